package io.sightline.ingest.otlp;

import io.sightline.storage.model.Labels;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Running totals that turn delta temporality into cumulative values, per series (the family's label set).
 * Bounded to {@code maxSeries}: past it the least recently used series is forgotten, so its next point
 * starts from zero again, which PromQL's rate() reads as a counter reset. The state lives in memory only;
 * a restart is a reset too, as with Prometheus's delta-to-cumulative feature. Thread-safe (one lock: deltas
 * are the rare case, the OpenTelemetry SDKs default to cumulative).
 */
final class DeltaState {
    private final Object lock = new Object();
    private final int maxSeries;
    private final AtomicLong evicted = new AtomicLong();
    private final LinkedHashMap<Labels, Object> totals;

    DeltaState(int maxSeries) {
        this.maxSeries = maxSeries;
        this.totals = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Labels, Object> eldest) {
                if (size() > DeltaState.this.maxSeries) {
                    evicted.incrementAndGet();
                    return true;
                }
                return false;
            }
        };
    }

    /** The cumulative value after adding {@code delta} to the series' total. */
    double addSum(Labels series, double delta) {
        if (maxSeries == 0) {
            return delta;
        }
        synchronized (lock) {
            double[] total = (double[]) totals.get(series);
            if (total == null) {
                totals.put(series, new double[] {delta});
                return delta;
            }
            total[0] += delta;
            return total[0];
        }
    }

    /**
     * Adds a delta histogram into the series' total and writes the cumulative result back into
     * {@code point}. Different bounds than before restart the total (a reset).
     */
    void addHistogram(Labels series, ClassicHistogram point) {
        if (maxSeries == 0) {
            return;
        }
        synchronized (lock) {
            Object o = totals.get(series);
            if (o instanceof ClassicHistogram total && total.sameBounds(point)) {
                total.add(point);
                point.set(total);
            } else {
                totals.put(series, point.copy());
            }
        }
    }

    /** Adds a delta exponential histogram into the series' total and writes the total back into {@code point}. */
    void addExponential(Labels series, ExponentialBuckets point) {
        if (maxSeries == 0) {
            return;
        }
        synchronized (lock) {
            Object o = totals.get(series);
            if (o instanceof ExponentialBuckets total) {
                total.add(point);
                point.set(total);
            } else {
                totals.put(series, point.copy());
            }
        }
    }

    /** Series forgotten because the state was full. */
    long evicted() {
        return evicted.get();
    }
}
