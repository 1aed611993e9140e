package io.sightline.server.store;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.storage.LogAppender;
import io.sightline.storage.LogQuerier;
import io.sightline.storage.LogStore;
import io.sightline.storage.LogStoreConfig;
import io.sightline.storage.model.LogRecord;

import java.util.List;
import java.util.function.Consumer;

/**
 * The log store as the server holds it: opened at start when {@code <data_dir>/logs} exists, else by the first
 * append, query or tail (see {@link OnFirstUse}). Idle, the log store's WAL, writer thread and ~20 classes stay out.
 */
public final class LazyLogStore implements LogStore {
    private final OnFirstUse<LogStore> store;

    private LazyLogStore(OnFirstUse<LogStore> store) {
        this.store = store;
    }

    public static LogStore open(LogStoreConfig config, Meter meter) {
        return new LazyLogStore(OnFirstUse.openIfPresent("log store", config.dir(), () -> LogStore.open(config, meter)));
    }

    @Override
    public LogAppender appender() {
        return store.get().appender();
    }

    @Override
    public LogQuerier querier(long minNanos, long maxNanos) {
        return store.get().querier(minNanos, maxNanos);
    }

    @Override
    public Subscription subscribe(Consumer<List<LogRecord>> listener) {
        return store.get().subscribe(listener);
    }

    @Override
    public void cutSegment() {
        store.whenOpen(LogStore::cutSegment);
    }

    @Override
    public int applyRetention() {
        LogStore s = store.ifOpen();
        return s == null ? 0 : s.applyRetention();
    }

    @Override
    public void close() {
        store.close();
    }
}
