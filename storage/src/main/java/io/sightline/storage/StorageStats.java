package io.sightline.storage;

/**
 * A point-in-time summary of the store.
 *
 * @param headSeries        series in the head
 * @param headMinTimeMillis oldest sample time in the head (Long.MAX_VALUE when empty)
 * @param headMaxTimeMillis newest sample time in the head (Long.MIN_VALUE when empty)
 * @param blocks            immutable blocks on disk
 */
public record StorageStats(long headSeries, long headMinTimeMillis, long headMaxTimeMillis, int blocks) {
}
