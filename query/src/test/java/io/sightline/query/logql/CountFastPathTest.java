package io.sightline.query.logql;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.query.LogQueryConfig;
import io.sightline.query.LogQueryEngine;
import io.sightline.query.Value;
import io.sightline.storage.LogAppender;
import io.sightline.storage.LogStore;
import io.sightline.storage.LogStoreConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The page-index path of {@code sum by (...) (count_over_time|bytes_over_time|rate|bytes_rate(...))} gives the
 * same numbers as reading every line ({@code |= ""} forces that path): over several segments with many pages
 * each, the head, multi-byte bodies, window edges inside pages, offsets and instant queries.
 */
class CountFastPathTest {
    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_700_000_000L * S;
    private static final Labels[] STREAMS = {
        Labels.of("service_name", "api", "env", "prod"),
        Labels.of("service_name", "web", "env", "prod", "host", "h1"),
        Labels.of("service_name", "web", "env", "prod", "host", "h2"),
        Labels.of("service_name", "db", "env", "dev"),
    };

    @TempDir
    Path dir;
    private LogStore store;
    private LogQueryEngine engine;

    @BeforeEach
    void open() {
        store = LogStore.open(new LogStoreConfig(dir, 3_600_000, 64 << 20, 100L * 365 * 86_400_000, WalSyncMode.NEVER, 1000),
                OpenTelemetry.noop().getMeter("t"));
        engine = LogQueryEngine.create(store, LogQueryConfig.defaults());
        long seed = 20261126L;
        System.out.println("CountFastPathTest seed " + seed);
        Random rnd = new Random(seed);
        // Three segments and a head; ~40,000 lines over ~2 h, bursts with equal timestamps, bodies of 20-400 bytes
        // (some multi-byte), so a stream has many 64 KiB pages and window edges fall inside them.
        long t = T0;
        for (int part = 0; part < 4; part++) {
            LogAppender a = store.appender();
            for (int i = 0; i < 10_000; i++) {
                t += rnd.nextInt(10) == 0 ? 0 : rnd.nextInt(400) * 1_000_000L;
                Labels stream = STREAMS[rnd.nextInt(STREAMS.length)];
                String body = "x".repeat(rnd.nextInt(20, 400)) + (i % 7 == 0 ? " grüße ✓ " : " ") + i;
                Labels meta = Labels.of("pod", "p" + rnd.nextInt(3));
                a.append(new LogRecord(stream, t, 0, i % 5 == 0 ? 17 : 9, "", body, "", "", meta));
            }
            a.commit();
            if (part < 3) {
                store.cutSegment();
            }
        }
    }

    @AfterEach
    void close() {
        store.close();
    }

    @ParameterizedTest(name = "{0} at step {1}s, offset {2}s")
    @CsvSource(delimiterString = ";", value = {
        "sum by (service_name) (count_over_time({env=~\".+\"}[1m])); 60; 0",
        "sum by (service_name) (count_over_time({env=\"prod\"}[5m])); 17; 0",
        "sum by (service_name, host) (bytes_over_time({env=\"prod\"}[90s])); 30; 0",
        "sum (rate({env=~\"prod|dev\"}[2m])); 45; 0",
        "sum by (env) (bytes_rate({service_name=~\"web|db\"}[10m] offset 3m)); 60; 180",
        "sum by (service_name) (count_over_time({env=\"prod\"}[1s])); 1; 0",
        "sum by (service_name) (count_over_time({env=\"prod\"}[30s]) by (service_name, env)); 7; 0",
    })
    void pageCountsEqualReadingEveryLine(String fast, long stepSeconds, long offsetSeconds) {
        String slow = fast.replaceFirst("\\}\\[", "} |= \"\" [").replaceFirst("\\}\\[", "} |= \"\" [");
        assertThat(slow).contains("|= \"\"");
        long start = T0 - 120 * S;
        long end = T0 + 3 * 3_600 * S;
        Map<String, double[]> want = matrix(slow, start, end, stepSeconds * S);
        Map<String, double[]> got = matrix(fast, start, end, stepSeconds * S);
        assertThat(want).isNotEmpty();
        assertThat(got.keySet()).isEqualTo(want.keySet());
        for (String k : want.keySet()) {
            double[] w = want.get(k);
            double[] g = got.get(k);
            assertThat(g).hasSameSizeAs(w);
            for (int i = 0; i < w.length; i += 2) {
                assertThat(g[i]).as("%s time %d", k, i / 2).isEqualTo(w[i]);
                assertThat(g[i + 1]).as("%s value %d", k, i / 2).isCloseTo(w[i + 1], within(Math.abs(w[i + 1]) * 1e-12));
            }
        }
    }

    @Test
    void anInstantOverEverythingCountsEachLineOnce() {
        String q = "sum by (service_name) (count_over_time({env=~\".+\"}[4h]))";
        Map<String, Double> got = vector(q, T0 + 3 * 3_600 * S);
        assertThat(got.values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(40_000);
        assertThat(got).isEqualTo(vector(q.replace("}[", "} |= \"\" ["), T0 + 3 * 3_600 * S));
    }

    @Test
    void takesThePageIndexOnlyWhenEveryGroupLabelIsAStreamLabel() {
        CountFastPath path = new CountFastPath(store, LogQueryConfig.defaults(), T0, T0 + 3_600 * S, 60 * S, 61);
        assertThat(path.eval(aggregation("sum by (service_name) (count_over_time({env=\"prod\"}[1m]))"))).isNotNull();
        // pod is structured metadata, host is missing from the api stream: both need the lines.
        assertThat(path.eval(aggregation("sum by (pod) (count_over_time({env=\"prod\"}[1m]))"))).isNull();
        assertThat(path.eval(aggregation("sum by (host) (count_over_time({env=\"prod\"}[1m]))"))).isNull();
        assertThat(CountFastPath.fits(aggregation("sum by (service_name) (count_over_time({env=\"prod\"} |= \"x\" [1m]))"))).isFalse();
        assertThat(CountFastPath.fits(aggregation("max by (service_name) (count_over_time({env=\"prod\"}[1m]))"))).isFalse();
        assertThat(CountFastPath.fits(aggregation("sum without (pod) (count_over_time({env=\"prod\"}[1m]))"))).isFalse();
    }

    @Test
    void metadataGroupingFallsBackToTheLinesAndStillCounts() {
        Map<String, Double> byPod = vector("sum by (pod) (count_over_time({env=~\".+\"}[4h]))", T0 + 3 * 3_600 * S);
        assertThat(byPod).containsOnlyKeys("{pod=\"p0\"}", "{pod=\"p1\"}", "{pod=\"p2\"}");
        assertThat(byPod.values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(40_000);
    }

    private static Expr.VectorAggregation aggregation(String q) {
        return (Expr.VectorAggregation) Parser.parse(q);
    }

    private Map<String, double[]> matrix(String q, long start, long end, long step) {
        Value v = engine.rangeQuery(q, start, end, step, 100, true).metric();
        Map<String, double[]> out = new TreeMap<>();
        for (Value.SeriesPoints s : ((Value.Matrix) v).series()) {
            double[] points = new double[s.count() * 2];
            for (int i = 0; i < s.count(); i++) {
                points[2 * i] = s.timestamps()[i];
                points[2 * i + 1] = s.values()[i];
            }
            out.put(s.labels().toString(), points);
        }
        return out;
    }

    private Map<String, Double> vector(String q, long at) {
        Value v = engine.instantQuery(q, at, 100, true).metric();
        Map<String, Double> out = new TreeMap<>();
        for (Value.Sample s : ((Value.Vector) v).samples()) {
            out.put(s.labels().toString(), s.value());
        }
        return out;
    }
}
