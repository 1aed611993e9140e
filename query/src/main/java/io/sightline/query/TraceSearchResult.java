package io.sightline.query;

import io.sightline.storage.model.Attributes;

import java.util.List;

/**
 * The traces a TraceQL search found, newest first, with the spans that matched in each.
 *
 * @param traces          at most the requested limit
 * @param inspectedSpans  spans the store returned for evaluation
 * @param inspectedTraces distinct traces among them
 * @param isPartial       whether the search stopped at {@link TraceQueryConfig#maxSpansInspected()}
 */
public record TraceSearchResult(List<Trace> traces, long inspectedSpans, long inspectedTraces, boolean isPartial) {
    /**
     * One trace of the result.
     *
     * @param traceId         32 lower-case hex characters
     * @param rootServiceName the root span's service, {@code ""} when the root span has not arrived
     * @param rootTraceName   the root span's name, {@code ""} when the root span has not arrived
     * @param startNanos      earliest span start, Unix nanoseconds
     * @param durationNanos   latest span end minus {@code startNanos}
     * @param spans           up to spans-per-spanset of the matched spans
     * @param matched         how many spans matched in all
     * @param spanSets        with {@code | by(x)}: the matches split by value; empty otherwise
     */
    public record Trace(String traceId, String rootServiceName, String rootTraceName, long startNanos,
                        long durationNanos, List<MatchedSpan> spans, int matched, List<SpanSet> spanSets) {
        /** One spanset: {@code spans} and {@code matched}. */
        public Trace(String traceId, String rootServiceName, String rootTraceName, long startNanos, long durationNanos,
                     List<MatchedSpan> spans, int matched) {
            this(traceId, rootServiceName, rootTraceName, startNanos, durationNanos, spans, matched, List.of());
        }
    }

    /**
     * One of the spansets a {@code | by(x)} split a trace's matches into.
     *
     * @param spans      up to spans-per-spanset of its spans
     * @param matched    how many spans it has in all
     * @param attributes the grouping value, keyed {@code by(x)}
     */
    public record SpanSet(List<MatchedSpan> spans, int matched, Attributes attributes) {
    }

    /**
     * A matched span with the values the query looked at or selected ({@code service.name} always).
     *
     * @param attributes typed values; intrinsics such as {@code status} and {@code kind} by their TraceQL names
     */
    public record MatchedSpan(String spanId, String name, long startNanos, long durationNanos, Attributes attributes) {
    }
}
