package io.sightline.storage.logs;

import io.sightline.storage.StorageException;
import io.sightline.storage.model.LogRecord;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * A line search whose trigram postings left few candidate pages reads them on two threads at once (the caller's
 * and one scan thread), so that decompressing and searching those pages takes half the wall time; the rows that
 * hold the text come back as one cursor per stream. Beyond {@link #MAX_PAGES} candidates the search stays lazy
 * (page by page in the merge), so that a common text with a small limit does not read everything first.
 * Thread-safe.
 */
final class ParallelPageScan {
    /**
     * At most this many candidate pages (~64 KiB of bodies each) are read ahead on two threads: every row that holds
     * the text is kept in memory until the merge, so when the text is common this bounds that to ~100k rows.
     */
    static final int MAX_PAGES = 256;

    private final ExecutorService scanner;

    ParallelPageScan(ExecutorService scanner) {
        this.scanner = scanner;
    }

    /** One stream of one segment and its candidate pages within the time range. */
    record Task(Segment segment, int stream, int[] pages) {
    }

    /** The candidate pages of {@code stream} in {@code [min, max]}: all its pages there when {@code candidates} is null. */
    static int[] pages(Segment s, int stream, long min, long max, RoaringBitmap candidates) {
        int[] out = new int[8];
        int n = 0;
        for (int p = s.firstPage(stream); p < s.endPage(stream); p++) {
            if (s.pageMaxTime(p) < min || s.pageMinTime(p) > max || candidates != null && !candidates.contains(p)) {
                continue;
            }
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n * 2);
            }
            out[n++] = p;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * Reads every task's pages, keeping the rows within {@code [min, max]} whose bodies hold every needle; one
     * cursor per task, in the query's direction.
     */
    List<RecordCursor> scan(List<Task> tasks, long min, long max, byte[][] needles, boolean forward) {
        // Two halves of about equal page counts: alternate the tasks, biggest first.
        List<Task> sorted = new ArrayList<>(tasks);
        sorted.sort((a, b) -> Integer.compare(b.pages().length, a.pages().length));
        List<Task> mine = new ArrayList<>();
        List<Task> theirs = new ArrayList<>();
        int minePages = 0;
        int theirPages = 0;
        for (Task t : sorted) {
            if (minePages <= theirPages) {
                mine.add(t);
                minePages += t.pages().length;
            } else {
                theirs.add(t);
                theirPages += t.pages().length;
            }
        }
        Future<List<RecordCursor>> other = null;
        if (!theirs.isEmpty()) {
            try {
                other = scanner.submit(() -> read(theirs, min, max, needles, forward));
            } catch (RejectedExecutionException e) {
                mine.addAll(theirs); // the store is closing: read it all here
            }
        }
        List<RecordCursor> out = read(mine, min, max, needles, forward);
        if (other != null) {
            try {
                out.addAll(other.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                other.cancel(true);
                throw new StorageException("interrupted while searching log pages");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new StorageException("log page scan failed: " + e.getCause(), e);
            }
        }
        return out;
    }

    private List<RecordCursor> read(List<Task> tasks, long min, long max, byte[][] needles, boolean forward) {
        Segment.PageScratch s = new Segment.PageScratch();
        List<RecordCursor> out = new ArrayList<>();
        List<LogRecord> rows = new ArrayList<>();
        for (Task t : tasks) {
            rows.clear();
            for (int p : t.pages()) {
                for (LogRecord r : t.segment().page(p, t.stream(), s, needles)) {
                    if (r.timestampNanos() >= min && r.timestampNanos() <= max) {
                        rows.add(r);
                    }
                }
            }
            if (!rows.isEmpty()) {
                out.add(RecordCursor.of(rows.toArray(new LogRecord[0]), forward));
            }
        }
        return out;
    }
}
