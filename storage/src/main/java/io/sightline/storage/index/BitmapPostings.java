package io.sightline.storage.index;

import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;

/**
 * Postings over a bitmap that nobody modifies while the cursor lives: an immutable mapped bitmap of a
 * block, or a private copy of a head bitmap.
 */
public final class BitmapPostings implements Postings {
    private final PeekableIntIterator it;
    private final long cost;
    private int current = -1;
    private boolean started;

    public BitmapPostings(ImmutableRoaringBitmap bitmap) {
        this.it = bitmap.getIntIterator();
        this.cost = bitmap.getLongCardinality();
    }

    @Override
    public boolean next() {
        started = true;
        if (!it.hasNext()) {
            return false;
        }
        current = it.next();
        return true;
    }

    @Override
    public boolean seek(int id) {
        if (started && Integer.compareUnsigned(current, id) >= 0) {
            return true;
        }
        it.advanceIfNeeded(id);
        return next();
    }

    @Override
    public int at() {
        return current;
    }

    @Override
    public long cost() {
        return cost;
    }
}
