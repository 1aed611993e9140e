package io.sightline.storage.logs;

import io.sightline.storage.LogQuerier;
import io.sightline.storage.StorageException;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import io.sightline.storage.model.Matcher;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.function.Consumer;

/** Reads the held segments and the heads, merging per-stream cursors in time order. Not thread-safe. */
final class EngineQuerier implements LogQuerier {
    private final LogEngine engine;
    private final List<Segment> segments;
    private final long min;
    private final long max;
    private boolean isClosed;

    EngineQuerier(LogEngine engine, List<Segment> segments, long min, long max) {
        this.engine = engine;
        this.segments = segments;
        this.min = min;
        this.max = max;
    }

    private static boolean matches(Labels stream, List<Matcher> matchers) {
        for (Matcher m : matchers) {
            String v = stream.get(m.name());
            if (!m.matches(v == null ? "" : v)) {
                return false;
            }
        }
        return true;
    }

    private static void requireSelective(List<Matcher> matchers) {
        if (matchers.stream().allMatch(Matcher::matchesEmpty)) {
            throw new StorageException("queries require at least one label matcher that does not match the empty string, got " + matchers);
        }
    }

    @Override
    public void select(List<Matcher> matchers, List<String> mustContain, boolean forward, Visitor visitor) {
        requireSelective(matchers);
        List<RecordCursor> cursors = new ArrayList<>();
        // Cursors decode one page at a time and copy rows out, so they can share one buffer.
        Segment.PageScratch scratch = new Segment.PageScratch();
        // mustContain holds for every line the caller keeps, so rows without it need not become records at all.
        byte[][] needles = mustContain.stream().map(m -> m.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toArray(byte[][]::new);
        List<ParallelPageScan.Task> tasks = new ArrayList<>();
        int candidatePages = 0;
        boolean isNarrowed = !mustContain.isEmpty();
        for (Segment s : segments) {
            RoaringBitmap candidates = mustContain.isEmpty() ? null : s.candidatePages(mustContain);
            if (candidates != null && candidates.isEmpty()) {
                continue;
            }
            isNarrowed &= candidates != null;
            for (int i = 0; i < s.streamCount(); i++) {
                if (matches(s.stream(i), matchers) && s.streamOverlaps(i, min, max)) {
                    cursors.add(new SegmentCursor(s, i, min, max, forward, candidates, scratch, needles));
                    if (isNarrowed && candidatePages <= ParallelPageScan.MAX_PAGES) {
                        int[] pages = ParallelPageScan.pages(s, i, min, max, candidates);
                        candidatePages += pages.length;
                        if (pages.length > 0) {
                            tasks.add(new ParallelPageScan.Task(s, i, pages));
                        }
                    }
                }
            }
        }
        if (isNarrowed && candidatePages <= ParallelPageScan.MAX_PAGES && candidatePages > 1) {
            // Few pages can hold the text: read them all now on two threads instead of page by page in the merge.
            cursors.clear();
            cursors.addAll(engine.pageScan().scan(tasks, min, max, needles, forward));
        }
        engine.readHeads(head -> {
            for (Labels stream : head.streams().keySet()) {
                if (matches(stream, matchers)) {
                    LogRecord[] slice = withAll(head.slice(stream, min, max), mustContain);
                    if (slice.length > 0) {
                        cursors.add(RecordCursor.of(slice, forward));
                    }
                }
            }
        });
        Comparator<RecordCursor> order = forward ? RecordCursor.FORWARD : RecordCursor.FORWARD.reversed();
        PriorityQueue<RecordCursor> queue = new PriorityQueue<>(Math.max(1, cursors.size()), order);
        for (RecordCursor c : cursors) {
            if (c.advance()) {
                queue.add(c);
            }
        }
        while (!queue.isEmpty()) {
            RecordCursor c = queue.poll();
            if (!visitor.record(c.current())) {
                return;
            }
            if (c.advance()) {
                queue.add(c);
            }
        }
    }

    @Override
    public void volume(List<Matcher> matchers, VolumeVisitor visitor) {
        for (Segment s : segments) {
            for (int i = 0; i < s.streamCount(); i++) {
                if (!matches(s.stream(i), matchers)) {
                    continue;
                }
                for (int p = s.firstPage(i); p < s.endPage(i); p++) {
                    long lo = s.pageMinTime(p);
                    long hi = s.pageMaxTime(p);
                    if (lo > max || hi < min) {
                        continue;
                    }
                    long from = Math.max(lo, min);
                    long to = Math.min(hi, max);
                    double share = hi == lo ? 1 : (double) (to - from) / (hi - lo);
                    visitor.span(s.stream(i), from, to, Math.round(s.pageRows(p) * share),
                            Math.round(s.pageRawBytes(p) * share));
                }
            }
        }
        engine.readHeads(head -> {
            for (Labels stream : head.streams().keySet()) {
                if (matches(stream, matchers)) {
                    for (LogRecord r : head.slice(stream, min, max)) {
                        visitor.span(stream, r.timestampNanos(), r.timestampNanos(), 1, r.body().length());
                    }
                }
            }
        });
    }

    @Override
    public void count(List<Matcher> matchers, SpanSplitter splitter, VolumeVisitor visitor) {
        requireSelective(matchers);
        Segment.PageScratch scratch = new Segment.PageScratch();
        for (Segment s : segments) {
            for (int i = 0; i < s.streamCount(); i++) {
                if (matches(s.stream(i), matchers)) {
                    countPages(s, i, splitter, visitor, scratch);
                }
            }
        }
        List<LogRecord[]> slices = new ArrayList<>();
        engine.readHeads(head -> {
            for (Labels stream : head.streams().keySet()) {
                if (matches(stream, matchers)) {
                    slices.add(head.slice(stream, min, max));
                }
            }
        });
        // Outside the heads' lock: encoding every body to count its bytes must not hold up commits.
        for (LogRecord[] slice : slices) {
            for (LogRecord r : slice) {
                visitor.span(r.stream(), r.timestampNanos(), r.timestampNanos(), 1,
                        r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            }
        }
    }

    private void countPages(Segment s, int stream, SpanSplitter splitter, VolumeVisitor visitor, Segment.PageScratch scratch) {
        Labels labels = s.stream(stream);
        for (int p = s.firstPage(stream); p < s.endPage(stream); p++) {
            long lo = s.pageMinTime(p);
            long hi = s.pageMaxTime(p);
            if (lo > max || hi < min) {
                continue;
            }
            if (lo >= min && hi <= max && !splitter.splits(lo, hi)) {
                visitor.span(labels, lo, hi, s.pageRows(p), s.pageBodyBytes(p, scratch));
                continue;
            }
            // A page across a bucket edge or the range's edge: its rows one by one, from two columns only.
            int n = s.timesAndLengths(p, scratch);
            for (int r = 0; r < n; r++) {
                long t = scratch.times[r];
                if (t >= min && t <= max) {
                    visitor.span(labels, t, t, 1, scratch.lengths[r]);
                }
            }
        }
    }

    private static LogRecord[] withAll(LogRecord[] records, List<String> mustContain) {
        if (mustContain.isEmpty()) {
            return records;
        }
        return java.util.Arrays.stream(records).filter(r -> mustContain.stream().allMatch(r.body()::contains))
                .toArray(LogRecord[]::new);
    }

    private void forEachStream(List<Matcher> matchers, Consumer<Labels> sink) {
        for (Segment s : segments) {
            for (int i = 0; i < s.streamCount(); i++) {
                if (matches(s.stream(i), matchers) && s.streamOverlaps(i, min, max)) {
                    sink.accept(s.stream(i));
                }
            }
        }
        engine.readHeads(head -> {
            for (Labels stream : head.streams().keySet()) {
                if (matches(stream, matchers) && head.slice(stream, min, max).length > 0) {
                    sink.accept(stream);
                }
            }
        });
    }

    @Override
    public List<Labels> streams(List<Matcher> matchers) {
        TreeSet<Labels> out = new TreeSet<>();
        forEachStream(matchers, out::add);
        return new ArrayList<>(out);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        TreeSet<String> out = new TreeSet<>();
        forEachStream(matchers, l -> {
            for (int i = 0; i < l.size(); i++) {
                out.add(l.name(i));
            }
        });
        return new ArrayList<>(out);
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        TreeSet<String> out = new TreeSet<>();
        forEachStream(matchers, l -> {
            String v = l.get(name);
            if (v != null && !v.isEmpty()) {
                out.add(v);
            }
        });
        return new ArrayList<>(out);
    }

    @Override
    public void close() {
        if (!isClosed) {
            isClosed = true;
            segments.forEach(Segment::release);
        }
    }
}
