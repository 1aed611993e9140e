package io.sightline.storage.index;

import java.util.function.Supplier;

/**
 * What one series cursor lets a part reuse from one series to the next (see
 * {@link PartReader#chunksForCursor}): the part keeps its reusable answer object here. One per cursor, used by
 * one thread at a time. Not thread-safe.
 */
public final class CursorScratch {
    private Object state;

    /** The part's reusable object of {@code type}, made by {@code create} on first use (or when another type was kept). */
    public <T> T state(Class<T> type, Supplier<? extends T> create) {
        if (!type.isInstance(state)) {
            state = create.get();
        }
        return type.cast(state);
    }
}
