package io.sightline.storage;

/**
 * Where queries read. This is the seam for scaling out: an implementation may fan out over nodes.
 * Thread-safe.
 */
public interface Queryable {
    /**
     * A querier over samples with {@code minTimeMillis <= t <= maxTimeMillis} (both inclusive). It sees a
     * consistent snapshot for its lifetime; close it promptly, since it pins the blocks it reads.
     */
    Querier querier(long minTimeMillis, long maxTimeMillis);
}
