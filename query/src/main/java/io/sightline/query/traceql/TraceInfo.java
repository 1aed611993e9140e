package io.sightline.query.traceql;

import io.sightline.storage.model.Span;

import java.util.List;

/**
 * What a search needs to know of a whole trace: its root span's name and service, and its extent.
 *
 * @param rootName    the root span's name, or {@code ""} when the root has not arrived
 * @param rootService the root span's service, or {@code ""} when the root has not arrived
 * @param startNanos  the earliest span start
 * @param endNanos    the latest span end
 */
record TraceInfo(String rootName, String rootService, long startNanos, long endNanos) {
    static final TraceInfo EMPTY = new TraceInfo("", "", 0, 0);

    static TraceInfo of(List<Span> spans) {
        if (spans.isEmpty()) {
            return EMPTY;
        }
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        Span root = null;
        for (Span s : spans) {
            start = Math.min(start, s.startNanos());
            end = Math.max(end, s.endNanos());
            if (s.isRoot() && (root == null || s.startNanos() < root.startNanos())) {
                root = s;
            }
        }
        return root == null ? new TraceInfo("", "", start, end) : new TraceInfo(root.name(), root.service(), start, end);
    }

    boolean hasRoot() {
        return !rootName.isEmpty() || !rootService.isEmpty();
    }

    long durationNanos() {
        return endNanos - startNanos;
    }
}
