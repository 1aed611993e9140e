package io.sightline.storage.traces;

import io.sightline.storage.model.Span;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The newest commits in memory, in commit order, with the spans of each trace for lookups by id. Not
 * thread-safe: the engine guards it with its read/write lock; once frozen for a cut it no longer changes.
 */
final class TraceHead {
    /** One commit: its sequence and its spans as appended. */
    record Commit(long sequence, List<Span> spans) {
    }

    private final List<Commit> commits = new ArrayList<>();
    private final Map<String, List<Span>> traces = new HashMap<>();
    private long bytes;
    private long spans;
    private long minTime = Long.MAX_VALUE;
    private long maxTime = Long.MIN_VALUE;
    /** Wall-clock millis of the first commit, for the time-based cut. */
    private long firstAppendMillis;

    void add(long sequence, List<Span> batch, long nowMillis) {
        if (commits.isEmpty()) {
            firstAppendMillis = nowMillis;
        }
        commits.add(new Commit(sequence, batch));
        for (Span s : batch) {
            traces.computeIfAbsent(s.traceId(), k -> new ArrayList<>(4)).add(s);
            bytes += SpanCodec.approxBytes(s);
            minTime = Math.min(minTime, s.startNanos());
            maxTime = Math.max(maxTime, s.startNanos());
        }
        spans += batch.size();
    }

    List<Commit> commits() {
        return commits;
    }

    /** The spans of trace {@code traceId} with start in {@code [min, max]}, copied out. */
    void trace(String traceId, long min, long max, List<Span> out) {
        List<Span> list = traces.get(traceId);
        if (list != null) {
            for (Span s : list) {
                if (s.startNanos() >= min && s.startNanos() <= max) {
                    out.add(s);
                }
            }
        }
    }

    boolean overlaps(long min, long max) {
        return spans > 0 && minTime <= max && maxTime >= min;
    }

    long bytes() {
        return bytes;
    }

    long spans() {
        return spans;
    }

    long firstAppendMillis() {
        return firstAppendMillis;
    }
}
