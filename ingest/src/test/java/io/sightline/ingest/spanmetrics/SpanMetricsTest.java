package io.sightline.ingest.spanmetrics;

import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.sightline.ingest.TracesIngestConfig;
import io.sightline.storage.Querier;
import io.sightline.storage.SampleIterator;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.SpanAppender;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import io.sightline.storage.model.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Span metrics against the real trace and metrics stores: Tempo's series, the watermark, and exactness across
 * a simulated kill -9 (the flusher abandoned without its last flush, the stores reopened).
 */
class SpanMetricsTest {
    private static final Meter METER = SdkMeterProvider.builder().build().get("test");
    private static final AtomicLong IDS = new AtomicLong(1);

    @TempDir
    Path dir;
    private Storage metrics;
    private TraceStore traces;
    private SpanMetrics spanMetrics;
    private TracesIngestConfig config = TracesIngestConfig.defaults().withFlushInterval(3_600_000);

    @BeforeEach
    void open() {
        openStores();
        spanMetrics = SpanMetrics.open(traces, metrics, metrics, config, METER, InstantSource.system());
    }

    private void openStores() {
        metrics = Storage.open(new StorageConfig(dir.resolve("metrics"), StorageConfig.DEFAULT_BLOCK_DURATION_MILLIS,
                StorageConfig.DEFAULT_RETENTION_MILLIS, WalSyncMode.NEVER, 1_000, 1 << 20, 0, 100_000), METER);
        traces = TraceStore.open(new TraceStoreConfig(dir.resolve("traces"), 3_600_000, 64L << 20, 3_600_000L * 24 * 365,
                WalSyncMode.NEVER, 1_000, TraceStoreConfig.DEFAULT_INDEXED_ATTRIBUTES), METER);
    }

    /** What a kill -9 leaves: no last flush; the stores' files stay as they are. */
    private void crashAndRestart() {
        spanMetrics.abandon();
        traces.close();
        metrics.close();
        openStores();
        spanMetrics = SpanMetrics.open(traces, metrics, metrics, config, METER, InstantSource.system());
    }

    @AfterEach
    void close() {
        spanMetrics.close();
        traces.close();
        metrics.close();
    }

    static Span span(String service, String name, int kind, int status, long durationNanos, String parent, String... attrs) {
        long start = System.currentTimeMillis() * 1_000_000L;
        String id = HexFormat.of().toHexDigits(IDS.getAndIncrement());
        return new Span("0af7651916cd43dd8448eb211c80319c", id, parent, "", name, kind, start, start + durationNanos, status, "",
                Attributes.ofStrings(attrs), Attributes.ofStrings("service.name", service), "", "", List.of(), List.of());
    }

    private long commit(Span... spans) {
        SpanAppender a = traces.appender();
        for (Span s : spans) {
            a.append(s);
        }
        return spanMetrics.commit(a, List.of(spans));
    }

    /** The newest value of the one series with exactly these labels, or NaN. */
    private double latest(String... nameValues) {
        Labels want = Labels.of(nameValues);
        try (Querier q = metrics.querier(0, Long.MAX_VALUE / 2)) {
            SeriesSet set = q.select(false, Matcher.eq(Labels.METRIC_NAME, want.metricName()));
            double v = Double.NaN;
            while (set.next()) {
                if (set.at().labels().equals(want)) {
                    SampleIterator it = set.at().iterator(null);
                    while (it.next()) {
                        v = it.value();
                    }
                }
            }
            return v;
        }
    }

    private long storedSpans() {
        long[] n = new long[1];
        try (TraceQuerier q = traces.querier(0, Long.MAX_VALUE)) {
            q.select(List.of(), s -> {
                n[0]++;
                return true;
            });
        }
        return n[0];
    }

    private double calls(String service, String name, String kind, String status) {
        return latest("__name__", "traces_spanmetrics_calls_total", "service", service, "span_name", name, "span_kind", kind,
                "status_code", status);
    }

    @Test
    void committedSpansAreFlushedAsTemposSeriesWithTheWatermarkOfTheLastCommit() {
        commit(span("checkout", "GET /cart", Span.KIND_SERVER, Span.STATUS_UNSET, 2_000_000, ""),
                span("checkout", "GET /cart", Span.KIND_SERVER, Span.STATUS_UNSET, 300_000_000, ""));
        long last = commit(span("checkout", "charge", Span.KIND_CLIENT, Span.STATUS_ERROR, 20_000_000, "00000000000000aa"));

        assertThat(spanMetrics.flush()).isTrue();

        assertThat(calls("checkout", "GET /cart", "SPAN_KIND_SERVER", "STATUS_CODE_UNSET")).isEqualTo(2);
        assertThat(calls("checkout", "charge", "SPAN_KIND_CLIENT", "STATUS_CODE_ERROR")).isEqualTo(1);
        String[] latency = {"service", "checkout", "span_name", "GET /cart", "span_kind", "SPAN_KIND_SERVER", "status_code", "STATUS_CODE_UNSET"};
        // A bound is inclusive: exactly 2 ms counts in le="0.002".
        assertThat(latest(with(latency, "__name__", "traces_spanmetrics_latency_bucket", "le", "0.002"))).isEqualTo(1);
        assertThat(latest(with(latency, "__name__", "traces_spanmetrics_latency_bucket", "le", "0.256"))).isEqualTo(1);
        assertThat(latest(with(latency, "__name__", "traces_spanmetrics_latency_bucket", "le", "0.512"))).isEqualTo(2);
        assertThat(latest(with(latency, "__name__", "traces_spanmetrics_latency_bucket", "le", "+Inf"))).isEqualTo(2);
        assertThat(latest(with(latency, "__name__", "traces_spanmetrics_latency_count"))).isEqualTo(2);
        assertThat(latest(with(latency, "__name__", "traces_spanmetrics_latency_sum"))).isEqualTo(0.302);
        assertThat(latest("__name__", SpanMetrics.WATERMARK)).isEqualTo(last);
    }

    private static String[] with(String[] base, String... more) {
        String[] out = new String[base.length + more.length];
        System.arraycopy(base, 0, out, 0, base.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }

    @Test
    void aRestartRestoresTheLastFlushAndRecountsOnlyTheCommitsAfterIt() {
        for (int i = 0; i < 5; i++) {
            commit(span("a", "op", Span.KIND_SERVER, Span.STATUS_OK, 1_000_000, ""));
        }
        assertThat(spanMetrics.flush()).isTrue();
        commit(span("a", "op", Span.KIND_SERVER, Span.STATUS_OK, 1_000_000, ""),
                span("a", "op", Span.KIND_SERVER, Span.STATUS_OK, 1_000_000, ""));
        long last = commit(span("a", "op", Span.KIND_SERVER, Span.STATUS_OK, 1_000_000, ""));

        crashAndRestart();

        assertThat(spanMetrics.totalCalls()).isEqualTo(8);
        assertThat(spanMetrics.counted()).isEqualTo(last);
        assertThat(spanMetrics.flush()).isTrue();
        assertThat(calls("a", "op", "SPAN_KIND_SERVER", "STATUS_CODE_OK")).isEqualTo(8);

        // A second crash right after a flush recounts nothing.
        crashAndRestart();
        assertThat(spanMetrics.totalCalls()).isEqualTo(8);
    }

    @Test
    void concurrentCommitsAndFlushesCountEveryStoredSpanExactlyOnceAcrossCrashes() throws Exception {
        long seed = Long.getLong("seed", 20261126L);
        System.out.println("SpanMetricsTest seed=" + seed);
        for (int round = 0; round < 3; round++) {
            Random random = new Random(seed + round);
            AtomicBoolean stop = new AtomicBoolean();
            Thread flusher = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    spanMetrics.flush();
                }
            });
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int spans = 1 + random.nextInt(5);
                int commits = 50 + random.nextInt(100);
                String service = "svc" + w;
                writers.add(Thread.ofPlatform().start(() -> {
                    for (int c = 0; c < commits; c++) {
                        Span[] batch = new Span[spans];
                        for (int i = 0; i < spans; i++) {
                            batch[i] = span(service, "op" + (i % 3), Span.KIND_SERVER, i % 2 == 0 ? Span.STATUS_OK : Span.STATUS_ERROR,
                                    1_000_000L * i, "");
                        }
                        commit(batch);
                    }
                }));
            }
            for (Thread t : writers) {
                t.join();
            }
            stop.set(true);
            flusher.join();

            crashAndRestart();
            assertThat(spanMetrics.totalCalls()).as("round %d: counted spans after the crash", round).isEqualTo(storedSpans());
        }
        // And once more through the TSDB after a graceful stop.
        long stored = storedSpans();
        spanMetrics.close();
        traces.close();
        metrics.close();
        openStores();
        spanMetrics = SpanMetrics.open(traces, metrics, metrics, config, METER, InstantSource.system());
        assertThat(spanMetrics.totalCalls()).isEqualTo(stored);
    }

    @Test
    void aFlushWaitsForACommitThatIsStoredButNotYetCounted() throws Exception {
        // Commit A is stored (sequence n) and paused before it is counted; commit B (n + 1) is stored and counted.
        // A flush now must not write watermark n + 1 without A's spans, or a crash would lose them.
        java.util.concurrent.CountDownLatch stored = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch resume = new java.util.concurrent.CountDownLatch(1);
        Span a = span("a", "op", Span.KIND_SERVER, Span.STATUS_OK, 1, "");
        SpanAppender real = traces.appender();
        real.append(a);
        SpanAppender paused = new SpanAppender() {
            @Override
            public void append(Span span) {
                real.append(span);
            }

            @Override
            public int pending() {
                return real.pending();
            }

            @Override
            public long commit() {
                long seq = real.commit();
                stored.countDown();
                try {
                    resume.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return seq;
            }

            @Override
            public void rollback() {
                real.rollback();
            }
        };
        Thread writerA = Thread.ofPlatform().start(() -> spanMetrics.commit(paused, List.of(a)));
        stored.await();
        Thread writerB = Thread.ofPlatform().start(() -> commit(span("a", "op", Span.KIND_SERVER, Span.STATUS_OK, 1, "")));
        writerB.join();
        Thread flush = Thread.ofPlatform().start(spanMetrics::flush);
        while (flush.isAlive() && flush.getState() != Thread.State.WAITING) {
            Thread.onSpinWait(); // the flush either finishes (wrong) or waits for commit A (right)
        }
        resume.countDown();
        writerA.join();
        flush.join();

        crashAndRestart();
        assertThat(spanMetrics.totalCalls()).isEqualTo(storedSpans()).isEqualTo(2);
    }

    @Test
    void closeWritesALastFlushOnlyWhenSomethingWasCountedSinceTheLastOne() {
        spanMetrics.close();
        assertThat(latest("__name__", SpanMetrics.WATERMARK)).as("nothing counted, nothing written").isNaN();

        spanMetrics = SpanMetrics.open(traces, metrics, metrics, config, METER, InstantSource.system());
        long last = commit(span("a", "op", Span.KIND_SERVER, Span.STATUS_OK, 1, ""));
        spanMetrics.close();
        assertThat(latest("__name__", SpanMetrics.WATERMARK)).isEqualTo(last);
        assertThat(calls("a", "op", "SPAN_KIND_SERVER", "STATUS_CODE_OK")).isEqualTo(1);
        spanMetrics = SpanMetrics.open(traces, metrics, metrics, config, METER, InstantSource.system());
    }

    @Test
    void pastMaxSeriesSpansOfNewLabelSetsAreNotCounted() {
        spanMetrics.close();
        config = new TracesIngestConfig(true, TracesIngestConfig.DEFAULT_LATENCY_BUCKETS, 3_600_000, 1, 10_000, 10_000);
        spanMetrics = SpanMetrics.open(traces, metrics, metrics, config, METER, InstantSource.system());
        commit(span("a", "one", Span.KIND_SERVER, Span.STATUS_OK, 1, ""), span("a", "two", Span.KIND_SERVER, Span.STATUS_OK, 1, ""),
                span("a", "one", Span.KIND_SERVER, Span.STATUS_OK, 1, ""));
        assertThat(spanMetrics.spanCells()).containsOnlyKeys(new SpanKey("a", "one", Span.KIND_SERVER, Span.STATUS_OK));
        assertThat(spanMetrics.totalCalls()).isEqualTo(2);
    }

    @Test
    void serviceGraphEdgesAreFlushedWithTotalFailedAndServerLatency() {
        Span client = span("frontend", "GET", Span.KIND_CLIENT, Span.STATUS_UNSET, 300_000_000, "");
        commit(client);
        commit(span("checkout", "GET /cart", Span.KIND_SERVER, Span.STATUS_ERROR, 150_000_000, client.spanId()));
        assertThat(spanMetrics.flush()).isTrue();

        assertThat(latest("__name__", "traces_service_graph_request_total", "client", "frontend", "server", "checkout")).isEqualTo(1);
        assertThat(latest("__name__", "traces_service_graph_request_failed_total", "client", "frontend", "server", "checkout")).isEqualTo(1);
        assertThat(latest("__name__", "traces_service_graph_request_server_seconds_bucket", "client", "frontend", "server", "checkout",
                "le", "0.2")).isEqualTo(1);
        assertThat(latest("__name__", "traces_service_graph_request_server_seconds_bucket", "client", "frontend", "server", "checkout",
                "le", "0.1")).isEqualTo(0);
        assertThat(latest("__name__", "traces_service_graph_request_client_seconds_sum", "client", "frontend", "server", "checkout"))
                .isEqualTo(0.3);

        crashAndRestart();
        assertThat(spanMetrics.edgeCells().get(new EdgeKey("frontend", "checkout", "")).total()).isEqualTo(1);
    }
}
