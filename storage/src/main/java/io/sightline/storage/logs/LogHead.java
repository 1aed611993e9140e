package io.sightline.storage.logs;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import io.sightline.storage.segment.CutHead;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The newest records in memory, per stream in timestamp order (a late record is inserted in place, as
 * Loki accepts out-of-order lines). Not thread-safe: the engine guards it with its read/write lock.
 */
final class LogHead implements CutHead {
    private final Map<Labels, List<LogRecord>> streams = new HashMap<>();
    private long bytes;
    private long records;
    private long minTime = Long.MAX_VALUE;
    private long maxTime = Long.MIN_VALUE;
    /** Wall-clock millis of the first append, for the time-based cut. */
    private long firstAppendMillis;

    void add(LogRecord r, long nowMillis) {
        if (records == 0) {
            firstAppendMillis = nowMillis;
        }
        List<LogRecord> list = streams.computeIfAbsent(r.stream(), k -> new ArrayList<>());
        int n = list.size();
        if (n == 0 || list.get(n - 1).timestampNanos() <= r.timestampNanos()) {
            list.add(r);
        } else {
            list.add(insertionPoint(list, r.timestampNanos()), r);
        }
        bytes += r.approxBytes();
        records++;
        minTime = Math.min(minTime, r.timestampNanos());
        maxTime = Math.max(maxTime, r.timestampNanos());
    }

    /** First index whose timestamp is above {@code t}, so equal timestamps keep arrival order. */
    private static int insertionPoint(List<LogRecord> list, long t) {
        int lo = 0;
        int hi = list.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (list.get(mid).timestampNanos() <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    Map<Labels, List<LogRecord>> streams() {
        return streams;
    }

    /** The records of {@code stream} within {@code [min, max]}, copied so the caller may read without the lock. */
    LogRecord[] slice(Labels stream, long min, long max) {
        List<LogRecord> list = streams.get(stream);
        if (list == null) {
            return new LogRecord[0];
        }
        int from = min == Long.MIN_VALUE ? 0 : insertionPoint(list, min - 1);
        int to = insertionPoint(list, max);
        return from >= to ? new LogRecord[0] : list.subList(from, to).toArray(new LogRecord[0]);
    }

    boolean overlaps(long min, long max) {
        return records > 0 && minTime <= max && maxTime >= min;
    }

    @Override
    public boolean isEmpty() {
        return records == 0;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    long records() {
        return records;
    }

    @Override
    public long firstAppendMillis() {
        return firstAppendMillis;
    }
}
