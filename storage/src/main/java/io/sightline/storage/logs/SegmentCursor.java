package io.sightline.storage.logs;

import io.sightline.storage.model.LogRecord;
import org.roaringbitmap.RoaringBitmap;

/**
 * The records of one stream of one segment within {@code [min, max]}, decoding one page at a time and
 * skipping pages outside the time range or absent from the candidate bitmap. Not thread-safe.
 */
final class SegmentCursor implements RecordCursor {
    private final Segment segment;
    private final int stream;
    private final long min;
    private final long max;
    private final boolean forward;
    private final RoaringBitmap candidates;
    private final Segment.PageScratch scratch;
    private final byte[][] needles;
    private int page;
    private LogRecord[] rows = new LogRecord[0];
    private int row;

    /** @param needles UTF-8 substrings every returned row's body contains (rows without them are skipped) */
    SegmentCursor(Segment segment, int stream, long min, long max, boolean forward, RoaringBitmap candidates,
                  Segment.PageScratch scratch, byte[][] needles) {
        this.scratch = scratch;
        this.needles = needles;
        this.segment = segment;
        this.stream = stream;
        this.min = min;
        this.max = max;
        this.forward = forward;
        this.candidates = candidates;
        this.page = forward ? segment.firstPage(stream) - 1 : segment.endPage(stream);
        this.row = forward ? 0 : -1;
    }

    @Override
    public boolean advance() {
        while (true) {
            row += forward ? 1 : -1;
            if (row >= 0 && row < rows.length) {
                long t = rows[row].timestampNanos();
                if (t >= min && t <= max) {
                    return true;
                }
                if (forward ? t > max : t < min) {
                    return false;
                }
                continue;
            }
            if (!nextPage()) {
                return false;
            }
        }
    }

    private boolean nextPage() {
        while (true) {
            page += forward ? 1 : -1;
            if (page < segment.firstPage(stream) || page >= segment.endPage(stream)) {
                return false;
            }
            if (segment.pageMaxTime(page) < min || segment.pageMinTime(page) > max) {
                continue;
            }
            if (candidates != null && !candidates.contains(page)) {
                continue;
            }
            rows = segment.page(page, stream, scratch, needles);
            row = forward ? -1 : rows.length;
            return true;
        }
    }

    @Override
    public LogRecord current() {
        return rows[row];
    }
}
