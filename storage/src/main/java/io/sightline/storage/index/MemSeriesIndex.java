package io.sightline.storage.index;

import io.sightline.storage.model.Labels;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A registry that lives in memory only: for tests and for stores that need no restart. Thread-safe. */
public final class MemSeriesIndex implements SeriesIndex {
    private final Object lock = new Object();
    private final Map<Labels, Integer> ids = new HashMap<>();
    private final List<Labels> byId = new ArrayList<>();
    private final long maxSeries;

    public MemSeriesIndex(long maxSeries) {
        this.maxSeries = maxSeries;
        byId.add(null); // ids start at 1
    }

    @Override
    public int getOrCreate(Labels labels) {
        synchronized (lock) {
            Integer id = ids.get(labels);
            if (id != null) {
                return id;
            }
            if (ids.size() >= maxSeries) {
                return FULL;
            }
            int next = byId.size();
            byId.add(labels);
            ids.put(labels, next);
            return next;
        }
    }

    @Override
    public Labels labels(int id) {
        synchronized (lock) {
            return id > 0 && id < byId.size() ? byId.get(id) : null;
        }
    }

    @Override
    public int size() {
        synchronized (lock) {
            return ids.size();
        }
    }

    @Override
    public void close() {
        // nothing to release
    }
}
