package io.sightline.query;

/**
 * Limits of TraceQL searches. Immutable; validated on construction, the message names the key.
 *
 * @param timeoutMillis          a search running longer fails with a timeout ({@code traces.query.timeout}, 1m)
 * @param maxLimit               the largest {@code limit} (traces per search) a request may ask for
 *                               ({@code traces.query.max_limit}, 1000)
 * @param maxSpansPerSpanSet     the largest {@code spss} a request may ask for
 *                               ({@code traces.query.max_spans_per_span_set}, 100 as Tempo)
 * @param maxSpansInspected      a search stops reading after this many spans and answers with what it found,
 *                               flagged partial ({@code traces.query.max_spans_inspected}, 20M)
 * @param maxSpansPerTrace       a trace fetched by id answers at most this many spans, its earliest, flagged partial
 *                               on {@code /api/v2/traces/<id>}, refused on v1 (as Tempo's {@code max_bytes_per_trace};
 *                               {@code traces.query.max_spans_per_trace}, 50,000)
 */
public record TraceQueryConfig(long timeoutMillis, int maxLimit, int maxSpansPerSpanSet, long maxSpansInspected,
                               int maxSpansPerTrace) {
    public static final int DEFAULT_MAX_SPANS_PER_TRACE = 50_000;

    public TraceQueryConfig {
        positive("traces.query.timeout", timeoutMillis);
        positive("traces.query.max_limit", maxLimit);
        positive("traces.query.max_spans_per_span_set", maxSpansPerSpanSet);
        positive("traces.query.max_spans_inspected", maxSpansInspected);
        positive("traces.query.max_spans_per_trace", maxSpansPerTrace);
    }

    /** With the default {@code traces.query.max_spans_per_trace}. */
    public TraceQueryConfig(long timeoutMillis, int maxLimit, int maxSpansPerSpanSet, long maxSpansInspected) {
        this(timeoutMillis, maxLimit, maxSpansPerSpanSet, maxSpansInspected, DEFAULT_MAX_SPANS_PER_TRACE);
    }

    public static TraceQueryConfig defaults() {
        return new TraceQueryConfig(60_000, 1_000, 100, 20_000_000, DEFAULT_MAX_SPANS_PER_TRACE);
    }

    private static void positive(String key, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + v);
        }
    }
}
