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
 */
public record TraceQueryConfig(long timeoutMillis, int maxLimit, int maxSpansPerSpanSet, long maxSpansInspected) {
    public TraceQueryConfig {
        positive("traces.query.timeout", timeoutMillis);
        positive("traces.query.max_limit", maxLimit);
        positive("traces.query.max_spans_per_span_set", maxSpansPerSpanSet);
        positive("traces.query.max_spans_inspected", maxSpansInspected);
    }

    public static TraceQueryConfig defaults() {
        return new TraceQueryConfig(60_000, 1_000, 100, 20_000_000);
    }

    private static void positive(String key, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + v);
        }
    }
}
