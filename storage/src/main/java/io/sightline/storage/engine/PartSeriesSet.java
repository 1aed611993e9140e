package io.sightline.storage.engine;

import io.sightline.storage.SeriesSet;
import io.sightline.storage.index.CursorScratch;
import io.sightline.storage.index.PartReader;
import io.sightline.storage.index.Postings;
import io.sightline.storage.index.SampleBuffer;
import io.sightline.storage.index.SeriesChunks;
import io.sightline.storage.model.Labels;

/**
 * The unsorted series of one part, each snapshotted when the cursor reaches it rather than all at
 * {@code select}: a query that streams series one at a time then holds one series' chunk copies at a time, and
 * they die young instead of a whole selector's copies (tens of MB at 100k series) staying reachable until its
 * last series is read and being promoted by any collection on the way. Same series, same order (postings, that
 * is id order) as the eager list. Truncation waits for open queriers, so reading later is no less consistent.
 */
final class PartSeriesSet implements SeriesSet {
    private final PartReader part;
    private final Postings postings;
    private final long mint;
    private final long maxt;
    private final SampleBuffer scratch;
    private final Runnable ensureOpen;
    /** {@link io.sightline.storage.Querier#selectEach}: one series object re-pointed at each position. */
    private final QuerySeries reused;
    /** With {@link #reused}: what the part may reuse from one series to the next (the head: its open-chunk copy). */
    private final CursorScratch cursor;
    private QuerySeries current;

    PartSeriesSet(PartReader part, Postings postings, long mint, long maxt, SampleBuffer scratch, Runnable ensureOpen,
                  boolean reuse) {
        this.part = part;
        this.postings = postings;
        this.mint = mint;
        this.maxt = maxt;
        this.scratch = scratch;
        this.ensureOpen = ensureOpen;
        this.reused = reuse ? new QuerySeries(null, (SeriesChunks) null, mint, maxt) : null;
        this.cursor = reuse ? new CursorScratch() : null;
    }

    @Override
    public boolean next() {
        ensureOpen.run();
        while (postings.next()) {
            int id = postings.at();
            SeriesChunks c = cursor == null ? part.chunks(id, mint, maxt, scratch)
                    : part.chunksForCursor(id, mint, maxt, scratch, cursor);
            if (c != null) {
                Labels labels = part.labels(id);
                current = reused == null ? new QuerySeries(labels, c, mint, maxt) : reused.repoint(labels, c);
                return true;
            }
        }
        current = null;
        return false;
    }

    @Override
    public QuerySeries at() {
        if (current == null) {
            throw new IllegalStateException("BUG: at() without a successful next()");
        }
        return current;
    }
}
