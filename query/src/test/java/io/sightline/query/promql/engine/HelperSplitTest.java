package io.sightline.query.promql.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryEngine;
import io.sightline.query.QueryOptions;
import io.sightline.query.QueryResult;
import io.sightline.query.Value;
import io.sightline.storage.Appender;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.StaleMarker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A big query whose second half of series is loaded and windowed on a helper thread answers bit for bit as
 * the same query on the calling thread alone: same series, same order of folding, same values; and so does
 * an aggregation streamed one series at a time as the same aggregation over the whole loaded selector.
 */
class HelperSplitTest {
    private static final long MINUTE = 60_000;
    private static final int SERIES = 1_500;

    @TempDir
    static Path dir;
    private static Storage storage;

    @BeforeAll
    static void open() {
        storage = Storage.open(new StorageConfig(dir, 2 * 3_600_000L, 15 * 24 * 3_600_000L, WalSyncMode.NEVER, 1_000,
                1 << 20, 0, 10_000), OpenTelemetry.noop().getMeter("test"));
        SplittableRandom r = new SplittableRandom(11);
        Labels[] labels = new Labels[SERIES];
        long[] refs = new long[SERIES];
        double[] values = new double[SERIES];
        for (int s = 0; s < SERIES; s++) {
            labels[s] = Labels.of("__name__", "requests_total", "job", "job-" + (s % 7), "instance", "host-" + s,
                    "code", s % 10 == 0 ? "500" : "200");
        }
        for (int i = 0; i <= 120; i++) {
            Appender a = storage.appender();
            for (int s = 0; s < SERIES; s++) {
                if (s % 50 == 3 && i > 60 && i < 70) {
                    continue; // a gap
                }
                values[s] = r.nextInt(200) == 0 ? 0 : values[s] + r.nextDouble() * 10; // resets now and then
                double v = s % 97 == 5 && i == 90 ? StaleMarker.VALUE : values[s];
                refs[s] = a.append(refs[s], labels[s], i * 15_000L + (s % 3), v);
            }
            a.commit();
        }
    }

    @AfterAll
    static void close() {
        storage.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "sum by (job) (rate(requests_total[5m]))",
            "sum by (job) (rate(requests_total{code=\"500\"}[5m])) / sum by (job) (rate(requests_total[5m]))",
            "rate(requests_total[5m])",
            "max by (job) (requests_total)",
            "requests_total",
            "count(increase(requests_total[2m]) > 5)",
            "topk(3, max by (instance) (delta(requests_total[3m])))"})
    void aSplitQueryAnswersAsTheUnsplitOne(String query) {
        QueryEngine alone = new PromqlEngine(storage, QueryConfig.defaults(), OpenTelemetry.noop().getMeter("t"),
                new HelperThreads(0));
        HelperThreads helper = new HelperThreads(1);
        QueryEngine split = new PromqlEngine(storage, QueryConfig.defaults(), OpenTelemetry.noop().getMeter("t"), helper);

        QueryResult a = alone.rangeQuery(query, 5 * MINUTE, 30 * MINUTE, 15_000, new QueryOptions(0, 0, true));
        QueryResult b = split.rangeQuery(query, 5 * MINUTE, 30 * MINUTE, 15_000, new QueryOptions(0, 0, true));

        assertThat(((Value.Matrix) a.value()).series()).isNotEmpty();

        assertThat(helper.started()).as("tasks the helper took").isPositive();
        assertSameAnswer(a, b);
        assertThat(b.stats().totalQueryableSamples()).isEqualTo(a.stats().totalQueryableSamples());
    }

    /**
     * Without a helper, an aggregation over a selector or a one-argument range function reads and folds one
     * series at a time; {@code * 1} stops the streaming, so the right-hand query loads the whole selector first.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "sum by (job) (rate(requests_total[5m])) ; sum by (job) (rate(requests_total[5m]) * 1)",
            "sum by (code) (increase(requests_total{job=~\"job-[1-3]\"}[2m])) ; sum by (code) (increase(requests_total{job=~\"job-[1-3]\"}[2m]) * 1)",
            "max by (job) (requests_total) ; max by (job) (requests_total * 1)",
            "count by (code) (requests_total offset 3m) ; count by (code) (requests_total offset 3m * 1)",
            "min(delta(requests_total[3m])) ; min(delta(requests_total[3m]) * 1)",
            "sum(rate(missing_total[5m])) ; sum(rate(missing_total[5m]) * 1)"})
    void aSeriesAtATimeAggregationAnswersAsTheWholeSelectorOne(String pair) {
        String[] q = pair.split(" ; ");
        QueryEngine alone = new PromqlEngine(storage, QueryConfig.defaults(), OpenTelemetry.noop().getMeter("t"),
                new HelperThreads(0));

        QueryResult streamed = alone.rangeQuery(q[0], 5 * MINUTE, 30 * MINUTE, 15_000, new QueryOptions(0, 0, true));
        QueryResult whole = alone.rangeQuery(q[1], 5 * MINUTE, 30 * MINUTE, 15_000, new QueryOptions(0, 0, true));

        assertSameAnswer(whole, streamed);
        assertThat(streamed.stats().totalQueryableSamples()).isEqualTo(whole.stats().totalQueryableSamples());
        if (!q[0].contains("missing")) {
            assertThat(((Value.Matrix) whole.value()).series()).isNotEmpty();
            assertThat(streamed.stats().peakSamples()).as("peak samples held").isLessThan(whole.stats().peakSamples());
        }
    }

    private static void assertSameAnswer(QueryResult a, QueryResult b) {
        Value.Matrix ma = (Value.Matrix) a.value();
        Value.Matrix mb = (Value.Matrix) b.value();
        assertThat(mb.series()).hasSameSizeAs(ma.series());
        for (int s = 0; s < ma.series().size(); s++) {
            Value.SeriesPoints x = ma.series().get(s);
            Value.SeriesPoints y = mb.series().get(s);
            assertThat(y.labels()).isEqualTo(x.labels());
            assertThat(y.count()).isEqualTo(x.count());
            for (int i = 0; i < x.count(); i++) {
                assertThat(y.timestamps()[i]).isEqualTo(x.timestamps()[i]);
                assertThat(Double.doubleToRawLongBits(y.values()[i])).as("%s at %d", x.labels(), x.timestamps()[i])
                        .isEqualTo(Double.doubleToRawLongBits(x.values()[i]));
            }
        }
        assertThat(b.warnings()).isEqualTo(a.warnings());
        assertThat(b.infos()).isEqualTo(a.infos());
    }
}
