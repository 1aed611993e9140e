package io.sightline.server.store;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.storage.SpanAppender;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreConfig;

/**
 * The trace store as the server holds it: opened at start when {@code <data_dir>/traces} exists, else by the first
 * append or query (see {@link OnFirstUse}). Until then it answers as an empty store: no commits to recount for span
 * metrics, last sequence 0 (what a new store answers, so span metrics' watermark stays right once it opens).
 */
public final class LazyTraceStore implements TraceStore {
    private final OnFirstUse<TraceStore> store;

    private LazyTraceStore(OnFirstUse<TraceStore> store) {
        this.store = store;
    }

    public static TraceStore open(TraceStoreConfig config, Meter meter) {
        return new LazyTraceStore(OnFirstUse.openIfPresent("trace store", config.dir(), () -> TraceStore.open(config, meter)));
    }

    @Override
    public SpanAppender appender() {
        return store.get().appender();
    }

    @Override
    public TraceQuerier querier(long minNanos, long maxNanos) {
        return store.get().querier(minNanos, maxNanos);
    }

    @Override
    public void forEachSince(long afterSequence, CommitVisitor visitor) {
        store.whenOpen(s -> s.forEachSince(afterSequence, visitor));
    }

    @Override
    public long lastSequence() {
        TraceStore s = store.ifOpen();
        return s == null ? 0 : s.lastSequence();
    }

    @Override
    public void cutSegment() {
        store.whenOpen(TraceStore::cutSegment);
    }

    @Override
    public int applyRetention() {
        TraceStore s = store.ifOpen();
        return s == null ? 0 : s.applyRetention();
    }

    @Override
    public void close() {
        store.close();
    }
}
