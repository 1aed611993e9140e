package io.sightline.ingest.spanmetrics;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.ingest.TracesIngestConfig;
import io.sightline.ingest.otlp.TracesWriter;
import io.sightline.storage.Appendable;
import io.sightline.storage.Appender;
import io.sightline.storage.Queryable;
import io.sightline.storage.SpanAppender;
import io.sightline.storage.TraceStore;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Span;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * RED metrics and service graph edges from committed spans, written into the metrics TSDB at a fixed interval,
 * exact across a kill -9: no committed span is missing from the counts and none is counted twice. How: see
 * DESIGN.md in this package. In short, commits and counting share a read lock, a flush takes the write lock to
 * snapshot every series together with the watermark (the highest commit sequence counted, all lower ones
 * counted too), and writes them in one metrics commit; start-up restores the snapshot and recounts the commits
 * after its watermark.
 *
 * <p>Only spans committed through {@link #commit} are counted. Thread-safe.
 */
public final class SpanMetrics implements TracesWriter.Committer, AutoCloseable {
    static final String WATERMARK = "sightline_spanmetrics_watermark";
    static final Labels WATERMARK_LABELS = Labels.of(Labels.METRIC_NAME, WATERMARK);
    private static final Logger log = LoggerFactory.getLogger(SpanMetrics.class);

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<SpanKey, SpanCell> spanCells = new ConcurrentHashMap<>();
    private final Map<EdgeKey, EdgeCell> edgeCells = new ConcurrentHashMap<>();
    private final AtomicInteger labelSets = new AtomicInteger();
    private final AtomicLong counted = new AtomicLong();
    private final AtomicLong notCounted = new AtomicLong();
    /** Whether anything was counted since the last successful flush (the last flush at close is skipped if not). */
    private final AtomicBoolean changed = new AtomicBoolean();
    private final double[] bounds;
    private final int maxSeries;
    private final EdgeStore graph;
    private final Appendable metrics;
    private final InstantSource clock;
    private final Object flushLock = new Object();
    private final SelfMetrics self;
    private long watermarkRef = Appender.NO_REF;
    private long lastFlushMillis = Long.MIN_VALUE;
    private ScheduledExecutorService flusher;

    private SpanMetrics(TracesIngestConfig config, Appendable metrics, InstantSource clock, Meter meter) {
        this.bounds = config.latencyBuckets().stream().mapToDouble(Double::doubleValue).toArray();
        this.maxSeries = config.maxSeries();
        this.metrics = metrics;
        this.clock = clock;
        this.graph = new EdgeStore(config.serviceGraphWaitMillis(), config.serviceGraphMaxItems(), this::edge);
        this.self = new SelfMetrics(meter, labelSets::get, notCounted::get, graph);
    }

    /**
     * Restores the counters from the metrics store's last flush, counts the trace store's commits after its
     * watermark, and starts flushing every {@code config.flushIntervalMillis()}.
     *
     * @param metrics where the series are written
     * @param reader  where the last flush is read back (the same store)
     */
    public static SpanMetrics open(TraceStore traces, Appendable metrics, Queryable reader, TracesIngestConfig config,
                                   Meter meter, InstantSource clock) {
        SpanMetrics m = new SpanMetrics(config, metrics, clock, meter);
        try {
            long t0 = System.nanoTime();
            SeriesRestore.Result restored = SeriesRestore.restore(reader, clock.millis(), m);
            m.counted.set(restored.watermark());
            m.lastFlushMillis = restored.timestampMillis();
            long[] recounted = new long[2];
            traces.forEachSince(restored.watermark(), (sequence, spans) -> {
                m.count(spans);
                m.counted.accumulateAndGet(sequence, Math::max);
                recounted[0]++;
                recounted[1] += spans.size();
            });
            // INFO: once per start; says how much was recovered and recounted.
            log.info("span metrics restored [watermark={}, label_sets={}, recounted_commits={}, recounted_spans={}, ms={}]",
                    restored.watermark(), m.labelSets.get(), recounted[0], recounted[1], (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            m.self.close();
            throw e;
        }
        m.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sightline-spanmetrics-flush");
            t.setDaemon(true);
            return t;
        });
        long every = config.flushIntervalMillis();
        m.flusher.scheduleWithFixedDelay(m::flushQuietly, every, every, TimeUnit.MILLISECONDS);
        return m;
    }

    @Override
    public long commit(SpanAppender appender, List<Span> spans) {
        lock.readLock().lock();
        try {
            long sequence = appender.commit();
            if (sequence > 0) {
                count(spans);
                counted.accumulateAndGet(sequence, Math::max);
            }
            return sequence;
        } finally {
            lock.readLock().unlock();
        }
    }

    private void count(List<Span> spans) {
        changed.set(true);
        long now = clock.millis();
        for (Span s : spans) {
            SpanCell cell = spanCell(SpanKey.of(s), false);
            if (cell == null) {
                notCounted.incrementAndGet();
            } else {
                cell.observe(s.durationNanos() / 1e9);
            }
        }
        graph.offerAll(spans, now);
    }

    /** Called by the edge store under its lock, from a commit (read lock) or an expiry (write lock). */
    private void edge(EdgeKey key, boolean failed, double serverSeconds, double clientSeconds) {
        changed.set(true);
        EdgeCell cell = edgeCell(key, false);
        if (cell == null) {
            notCounted.incrementAndGet();
        } else {
            cell.observe(failed, serverSeconds, clientSeconds);
        }
    }

    /** The cell of {@code key}; null when it is new and {@code max_series} is reached (unless restoring). */
    SpanCell spanCell(SpanKey key, boolean restoring) {
        return cell(spanCells, key, restoring, k -> new SpanCell(k, bounds));
    }

    EdgeCell edgeCell(EdgeKey key, boolean restoring) {
        return cell(edgeCells, key, restoring, EdgeCell::new);
    }

    private <K, C extends Cell> C cell(Map<K, C> cells, K key, boolean restoring, Function<K, C> create) {
        C c = cells.get(key);
        if (c != null) {
            return c;
        }
        if (!restoring && labelSets.get() >= maxSeries) {
            return null;
        }
        return cells.computeIfAbsent(key, k -> {
            labelSets.incrementAndGet();
            return create.apply(k);
        });
    }

    /**
     * Writes every series and the watermark in one metrics commit.
     *
     * @return false when the metrics store refused (nothing of this flush is then stored; the next one retries)
     */
    public boolean flush() {
        return flush(false);
    }

    private boolean flush(boolean onlyIfChanged) {
        synchronized (flushLock) {
            List<Cell> cells = new ArrayList<>(labelSets.get() + 16);
            List<double[]> values = new ArrayList<>(labelSets.get() + 16);
            long watermark;
            lock.writeLock().lock();
            try {
                // No commit is between its store commit and its count now: every commit up to `counted` is counted.
                graph.expire(clock.millis());
                if (!changed.getAndSet(false) && onlyIfChanged) {
                    return true;
                }
                snapshot(spanCells.values(), cells, values);
                snapshot(edgeCells.values(), cells, values);
                watermark = counted.get();
            } finally {
                lock.writeLock().unlock();
            }
            boolean written = false;
            try {
                written = write(cells, values, watermark);
                return written;
            } finally {
                if (!written) {
                    changed.set(true);
                }
            }
        }
    }

    private static void snapshot(Iterable<? extends Cell> from, List<Cell> cells, List<double[]> values) {
        for (Cell c : from) {
            double[] v = new double[c.series.length];
            c.values(v);
            cells.add(c);
            values.add(v);
        }
    }

    private boolean write(List<Cell> cells, List<double[]> values, long watermark) {
        long ts = Math.max(clock.millis(), lastFlushMillis == Long.MIN_VALUE ? Long.MIN_VALUE : lastFlushMillis + 1);
        Appender app = metrics.appender();
        boolean committed = false;
        try {
            for (int c = 0; c < cells.size(); c++) {
                Cell cell = cells.get(c);
                double[] v = values.get(c);
                for (int i = 0; i < v.length; i++) {
                    long ref = app.append(cell.refs[i], cell.series[i], ts, v[i]);
                    if (ref < 0) {
                        return refused(cell.series[i], ref);
                    }
                    cell.refs[i] = ref;
                }
            }
            long ref = app.append(watermarkRef, WATERMARK_LABELS, ts, watermark);
            if (ref < 0) {
                return refused(WATERMARK_LABELS, ref);
            }
            watermarkRef = ref;
            app.commit();
            committed = true;
            lastFlushMillis = ts;
            self.flushed(true);
            return true;
        } finally {
            if (!committed) {
                app.rollback();
            }
        }
    }

    private boolean refused(Labels series, long code) {
        // All or nothing: a flush with a series missing would restore that series as 0 after a crash.
        self.flushed(false);
        log.warn("span metrics flush refused by the metrics store, retrying at the next flush [series={}, code={}]", series, code);
        return false;
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            self.flushed(false);
            // WARN: the series fall behind until a flush succeeds; nothing is lost (the counters stay in memory).
            log.warn("span metrics flush failed, retrying at the next flush", e);
        }
    }

    /** The highest commit sequence counted (every lower one is counted too); for tests and self-checks. */
    long counted() {
        return counted.get();
    }

    /** Total calls over all label sets; for tests. */
    long totalCalls() {
        return spanCells.values().stream().mapToLong(SpanCell::calls).sum();
    }

    Map<SpanKey, SpanCell> spanCells() {
        return spanCells;
    }

    Map<EdgeKey, EdgeCell> edgeCells() {
        return edgeCells;
    }

    /** Stops flushing without a last flush: what a kill -9 leaves behind (tests). */
    void abandon() {
        if (flusher != null) {
            flusher.shutdownNow();
        }
        self.close();
    }

    /** Stops the flusher and writes a last flush. Call after the last commit. Idempotent. */
    @Override
    public void close() {
        if (flusher == null || flusher.isShutdown()) {
            return;
        }
        flusher.shutdown();
        try {
            if (!flusher.awaitTermination(10, TimeUnit.SECONDS)) {
                flusher.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            flush(true);
        } catch (RuntimeException e) {
            // WARN without a trace: at JVM exit the metrics store may already be closed by its own exit hook. Nothing
            // is lost: the next start restores the previous flush and recounts the commits after its watermark.
            log.warn("last span metrics flush at close failed, the next start recounts since the previous flush [error={}]",
                    e.toString());
        }
        self.close();
    }
}
