package io.sightline.storage.traces;

import io.sightline.storage.model.Span;
import io.sightline.storage.segment.CutHead;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The newest commits in memory, in commit order, with the spans of each trace for lookups by id. Not
 * thread-safe: the engine guards it with its read/write lock; once frozen for a cut it no longer changes.
 */
final class TraceHead implements CutHead {
    /** One commit: its sequence and its spans as appended. */
    record Commit(long sequence, List<Span> spans) {
    }

    private final List<Commit> commits = new ArrayList<>();
    /** The spans of one trace in arrival order, with the sequence of each one's commit. */
    static final class TraceSpans {
        final List<Span> spans = new ArrayList<>(4);
        long[] sequences = new long[4];

        void add(Span s, long sequence) {
            if (spans.size() == sequences.length) {
                sequences = Arrays.copyOf(sequences, sequences.length * 2);
            }
            sequences[spans.size()] = sequence;
            spans.add(s);
        }
    }

    private final Map<String, TraceSpans> traces = new HashMap<>();
    private long bytes;
    private long spans;
    private long minTime = Long.MAX_VALUE;
    private long maxTime = Long.MIN_VALUE;
    /** Wall-clock millis of the first commit, for the time-based cut. */
    private long firstAppendMillis;

    /** Adds a commit, measuring its spans here (replay and a failed cut's restore). */
    void add(long sequence, List<Span> batch, long nowMillis) {
        BatchStats stats = new BatchStats();
        batch.forEach(stats::add);
        add(sequence, batch, nowMillis, stats);
    }

    /**
     * Adds a commit whose size and time range the committer measured before taking the engine's lock, so this
     * holds the lock only for the map updates.
     */
    void add(long sequence, List<Span> batch, long nowMillis, BatchStats stats) {
        if (commits.isEmpty()) {
            firstAppendMillis = nowMillis;
        }
        commits.add(new Commit(sequence, batch));
        String lastId = null;
        TraceSpans last = null;
        for (Span s : batch) {
            String id = s.traceId();
            // The spans of one trace usually arrive together; an equals is cheaper than hashing 32 chars.
            if (last == null || !id.equals(lastId)) {
                last = traces.computeIfAbsent(id, k -> new TraceSpans());
                lastId = id;
            }
            last.add(s, sequence);
        }
        bytes += stats.bytes;
        minTime = Math.min(minTime, stats.minTime);
        maxTime = Math.max(maxTime, stats.maxTime);
        spans += batch.size();
    }

    /** Heap size and start-time range of a batch, gathered as its spans are appended. */
    static final class BatchStats {
        long bytes;
        long minTime = Long.MAX_VALUE;
        long maxTime = Long.MIN_VALUE;

        void add(Span s) {
            bytes += SpanCodec.approxBytes(s);
            minTime = Math.min(minTime, s.startNanos());
            maxTime = Math.max(maxTime, s.startNanos());
        }
    }

    List<Commit> commits() {
        return commits;
    }

    /** The spans of trace {@code traceId} with start in {@code [min, max]}, copied out. */
    void trace(String traceId, long min, long max, List<Span> out) {
        TraceSpans t = traces.get(traceId);
        if (t != null) {
            for (Span s : t.spans) {
                if (s.startNanos() >= min && s.startNanos() <= max) {
                    out.add(s);
                }
            }
        }
    }

    /** Trace id to its spans; read only once the head is frozen. */
    Map<String, TraceSpans> traces() {
        return traces;
    }

    boolean overlaps(long min, long max) {
        return spans > 0 && minTime <= max && maxTime >= min;
    }

    @Override
    public boolean isEmpty() {
        return spans == 0;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    long spans() {
        return spans;
    }

    @Override
    public long firstAppendMillis() {
        return firstAppendMillis;
    }
}
