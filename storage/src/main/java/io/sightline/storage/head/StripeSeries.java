package io.sightline.storage.head;

import io.sightline.storage.model.Labels;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The head's series, by labels and by id. Lookups by labels lock one of {@link #STRIPES} stripes chosen by
 * hash (as Prometheus's {@code stripeSeries}) so appenders on different series rarely contend; lookups by
 * id read a paged array without locks. Thread-safe.
 */
final class StripeSeries {
    private static final int STRIPES = 1 << 10;
    private static final int PAGE_BITS = 12;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;

    private final Object[] locks = new Object[STRIPES];
    @SuppressWarnings("unchecked")
    private final Map<Labels, HeadSeries>[] byLabels = new Map[STRIPES];
    private final AtomicReferenceArray<AtomicReferenceArray<HeadSeries>> pages;
    private final AtomicInteger count = new AtomicInteger();

    StripeSeries(long maxSeries) {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
            byLabels[i] = new HashMap<>();
        }
        pages = new AtomicReferenceArray<>((int) ((maxSeries + 1) >>> PAGE_BITS) + 1);
    }

    /** The series with {@code id}, or {@code null}. */
    HeadSeries byId(long id) {
        if (id <= 0 || (id >>> PAGE_BITS) >= pages.length()) {
            return null;
        }
        AtomicReferenceArray<HeadSeries> page = pages.get((int) (id >>> PAGE_BITS));
        return page == null ? null : page.get((int) (id & (PAGE_SIZE - 1)));
    }

    /** The series with these labels, or {@code null}. */
    HeadSeries byLabels(Labels labels) {
        int s = labels.hashCode() & (STRIPES - 1);
        synchronized (locks[s]) {
            return byLabels[s].get(labels);
        }
    }

    /**
     * The series with these labels, created by {@code factory} when absent; {@code null} when the factory
     * returns null (no room). The factory runs under the stripe lock, so it runs once per new series.
     */
    HeadSeries getOrCreate(Labels labels, SeriesFactory factory) {
        int s = labels.hashCode() & (STRIPES - 1);
        synchronized (locks[s]) {
            // One hash walk for a miss and the insert (a get then a put walked the bin twice, and for a new series
            // both miss the cache); the factory returns null to insert nothing.
            HeadSeries series = byLabels[s].computeIfAbsent(labels, factory::create);
            if (series == null || byId(series.id) == series) {
                return series;
            }
            if ((series.id >>> PAGE_BITS) >= pages.length()) {
                byLabels[s].remove(labels);
                throw new IllegalStateException("BUG: series id " + series.id + " beyond the configured maximum");
            }
            AtomicReferenceArray<HeadSeries> page = pages.get(series.id >>> PAGE_BITS);
            if (page == null) {
                pages.compareAndSet(series.id >>> PAGE_BITS, null, new AtomicReferenceArray<>(PAGE_SIZE));
                page = pages.get(series.id >>> PAGE_BITS);
            }
            page.set(series.id & (PAGE_SIZE - 1), series);
            count.incrementAndGet();
            return series;
        }
    }

    /** Removes a series (it left the head); a no-op when it is not the one registered. */
    boolean remove(HeadSeries series) {
        int s = series.labels.hashCode() & (STRIPES - 1);
        synchronized (locks[s]) {
            if (byLabels[s].get(series.labels) != series) {
                return false;
            }
            byLabels[s].remove(series.labels);
            pages.get(series.id >>> PAGE_BITS).set(series.id & (PAGE_SIZE - 1), null);
            count.decrementAndGet();
            return true;
        }
    }

    /** Visits every series, stripe by stripe; a series created meanwhile may or may not be seen. */
    void forEach(Consumer<HeadSeries> action) {
        for (int s = 0; s < STRIPES; s++) {
            HeadSeries[] copy;
            synchronized (locks[s]) {
                copy = byLabels[s].values().toArray(new HeadSeries[0]);
            }
            for (HeadSeries series : copy) {
                action.accept(series);
            }
        }
    }

    int size() {
        return count.get();
    }

    /** Makes a series for new labels under the stripe lock. */
    interface SeriesFactory {
        /** The new series, or {@code null} when none may be created. */
        HeadSeries create(Labels labels);
    }
}
