package io.sightline.storage.io;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reference count for a mapped file set (a block, a log segment) that readers pin while they read: it starts
 * at one (the store's own reference), {@link #tryAcquire()} fails once it reached zero, and {@link #release()}
 * says when the last reference went, so the owner can unmap. Thread-safe.
 */
public final class RefCount {
    private final AtomicInteger refs = new AtomicInteger(1);

    /** Takes a reference; false when the count already reached zero (the resource is gone). */
    public boolean tryAcquire() {
        while (true) {
            int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; true when it was the last one and the owner must free the resource. */
    public boolean release() {
        return refs.decrementAndGet() == 0;
    }
}
