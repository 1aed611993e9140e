package io.sightline.query.promql.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryEngine;
import io.sightline.query.QueryException;
import io.sightline.query.QueryOptions;
import io.sightline.query.QueryResult;
import io.sightline.query.Value;
import io.sightline.storage.Appender;
import io.sightline.storage.Queryable;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The engine's limits, options and result shapes, through the real storage. */
class PromqlEngineTest {
    private static final long MINUTE = 60_000;

    @TempDir
    Path dir;
    private Storage storage;

    @BeforeEach
    void open() {
        storage = Storage.open(new StorageConfig(dir, 2 * 3_600_000L, 15 * 24 * 3_600_000L, WalSyncMode.NEVER, 1_000,
                1 << 20, 0, 10_000), OpenTelemetry.noop().getMeter("test"));
        Appender a = storage.appender();
        long ref = Appender.NO_REF;
        for (int i = 0; i <= 60; i++) {
            ref = a.append(ref, Labels.of("__name__", "requests_total", "job", "api"), i * 15_000L, i * 10);
        }
        a.commit();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private QueryEngine engine(QueryConfig config) {
        return new PromqlEngine(storage, config, OpenTelemetry.noop().getMeter("test"));
    }

    private static QueryConfig config(long maxSamples, int maxPoints, int concurrency) {
        return new QueryConfig(300_000, 120_000, maxSamples, concurrency, maxPoints);
    }

    @Test
    void failsAQueryThatWouldHoldMoreSamplesThanTheLimit() {
        QueryException e = catchThrowableOfType(QueryException.class,
                () -> engine(config(50, 11_000, 4)).instantQuery("count_over_time(requests_total[15m])", 15 * MINUTE,
                        QueryOptions.DEFAULT));

        assertThat(e.type()).isEqualTo(QueryException.ErrorType.EXECUTION);
        assertThat(e.getMessage()).startsWith("query processing would load too many samples into memory in query execution")
                .contains("query.max_samples");
    }

    @Test
    void timesOutOnceTheDeadlinePasses() {
        AtomicLong now = new AtomicLong();
        QueryEngine slowClock = new PromqlEngine(storage, QueryConfig.defaults(), OpenTelemetry.noop().getMeter("t"),
                () -> now.addAndGet(10_000_000_000L));

        QueryException e = catchThrowableOfType(QueryException.class, () -> slowClock.rangeQuery(
                "rate(requests_total[5m])", 0, 15 * MINUTE, 15_000, new QueryOptions(1_500, 0, false)));

        assertThat(e.type()).isEqualTo(QueryException.ErrorType.TIMEOUT);
        assertThat(e.getMessage()).isEqualTo("query timed out in expression evaluation");
    }

    @Test
    void rejectsARangeQueryWithTooManyPointsPerSeries() {
        QueryException e = catchThrowableOfType(QueryException.class,
                () -> engine(config(1_000_000, 100, 4)).rangeQuery("requests_total", 0, 15 * MINUTE, 1_000,
                        QueryOptions.DEFAULT));

        assertThat(e.type()).isEqualTo(QueryException.ErrorType.BAD_DATA);
        assertThat(e.getMessage()).contains("exceeded maximum resolution of 100 points per timeseries");
    }

    @Test
    void rejectsNonPositiveStepAndRangeVectorRangeQueries() {
        QueryEngine engine = engine(QueryConfig.defaults());

        assertThat(catchThrowableOfType(QueryException.class,
                () -> engine.rangeQuery("requests_total", 0, MINUTE, 0, QueryOptions.DEFAULT)).type())
                .isEqualTo(QueryException.ErrorType.BAD_DATA);
        assertThat(catchThrowableOfType(QueryException.class,
                () -> engine.rangeQuery("requests_total[5m]", 0, MINUTE, 15_000, QueryOptions.DEFAULT)).getMessage())
                .isEqualTo("invalid expression type \"range vector\" for range query, must be Scalar or instant Vector");
    }

    @Test
    void parseErrorsAreBadDataWithThePosition() {
        QueryException e = catchThrowableOfType(QueryException.class,
                () -> engine(QueryConfig.defaults()).instantQuery("sum(rate(x[5m])", 0, QueryOptions.DEFAULT));

        assertThat(e.type()).isEqualTo(QueryException.ErrorType.BAD_DATA);
        assertThat(e.getMessage()).isEqualTo("1:16: parse error: unclosed left parenthesis");
        assertThat(e.position()).isEqualTo(15);
    }

    @Test
    void honoursAPerQueryLookbackDelta() {
        QueryEngine engine = engine(QueryConfig.defaults());
        long t = 15 * MINUTE + 6 * MINUTE; // the last sample is 6 minutes old

        QueryResult byDefault = engine.instantQuery("requests_total", t, QueryOptions.DEFAULT);
        QueryResult wider = engine.instantQuery("requests_total", t, new QueryOptions(0, 10 * MINUTE, false));

        assertThat(((Value.Vector) byDefault.value()).samples()).isEmpty();
        assertThat(((Value.Vector) wider.value()).samples()).singleElement()
                .satisfies(s -> assertThat(s.value()).isEqualTo(600));
    }

    @Test
    void rangeQueryPointsAreStepAlignedAndNameless() {
        QueryResult r = engine(QueryConfig.defaults()).rangeQuery("rate(requests_total[1m])", 5 * MINUTE, 10 * MINUTE,
                MINUTE, new QueryOptions(0, 0, true));

        Value.SeriesPoints sp = ((Value.Matrix) r.value()).series().getFirst();
        assertThat(sp.labels()).isEqualTo(Labels.of("job", "api"));
        assertThat(sp.count()).isEqualTo(6);
        for (int i = 0; i < sp.count(); i++) {
            assertThat(sp.timestamps()[i]).isEqualTo(5 * MINUTE + i * MINUTE);
            assertThat(sp.values()[i]).isCloseTo(10.0 / 15, org.assertj.core.data.Offset.offset(1e-9));
        }
        // Prometheus counts each window's samples per step: (t-1m, t] holds 4 samples 15 s apart, 6 steps.
        assertThat(r.stats().totalQueryableSamples()).isEqualTo(24);
    }

    @Test
    void subqueryPointsAndWholeResultsCountTowardsMaxSamplesEvenWithoutSelectors() {
        QueryEngine engine = engine(config(1000, 11_000, 4));

        QueryException subquery = catchThrowableOfType(QueryException.class,
                () -> engine.instantQuery("count_over_time(vector(1)[1h:1s])", 2 * 3_600_000L, QueryOptions.DEFAULT));
        QueryException range = catchThrowableOfType(QueryException.class,
                () -> engine.rangeQuery("vector(1)", 0, 3_600_000L, 1000, QueryOptions.DEFAULT));

        assertThat(subquery.type()).isEqualTo(QueryException.ErrorType.EXECUTION);
        assertThat(range.type()).isEqualTo(QueryException.ErrorType.EXECUTION);
        assertThat(engine.instantQuery("count_over_time(vector(1)[10m:1s])", 2 * 3_600_000L, QueryOptions.DEFAULT)
                .value()).isInstanceOf(Value.Vector.class);
    }

    @Test
    void queryableSamplesOfAnInstantSelectorAreOnePerSeriesAsInPrometheus() {
        Appender a = storage.appender();
        long ref = Appender.NO_REF;
        for (int i = 0; i <= 60; i++) {
            ref = a.append(ref, Labels.of("__name__", "requests_total", "job", "db"), i * 15_000L, i);
        }
        a.commit();

        QueryResult r = engine(QueryConfig.defaults()).instantQuery("requests_total", 15 * MINUTE,
                new QueryOptions(0, 0, true));

        // 20 samples of each series lie in the 5m lookback, but only the newest one per series is read.
        assertThat(r.stats().totalQueryableSamples()).isEqualTo(2);
    }

    @Test
    void queriesBeyondTheConcurrencyLimitWaitThenTimeOut() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Queryable blocking = (min, max) -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return storage.querier(min, max);
        };
        QueryEngine engine = new PromqlEngine(blocking, config(1_000_000, 11_000, 1), OpenTelemetry.noop().getMeter("t"));
        CompletableFuture<QueryResult> first = CompletableFuture.supplyAsync(
                () -> engine.instantQuery("requests_total", 15 * MINUTE, QueryOptions.DEFAULT));
        entered.await();

        QueryException e = catchThrowableOfType(QueryException.class,
                () -> engine.instantQuery("requests_total", 15 * MINUTE, new QueryOptions(50, 0, false)));
        release.countDown();

        assertThat(e.type()).isEqualTo(QueryException.ErrorType.TIMEOUT);
        assertThat(e.getMessage()).isEqualTo("query timed out in query queue");
        assertThat(((Value.Vector) first.get().value()).samples()).hasSize(1);
    }

    @Test
    void recordsQueryDurationAndSamplesThroughTheMeter() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
            QueryEngine engine = new PromqlEngine(storage, QueryConfig.defaults(), provider.get("query"));
            engine.instantQuery("sum(requests_total)", 15 * MINUTE, QueryOptions.DEFAULT);

            assertThat(reader.collectAllMetrics()).extracting(MetricData::getName)
                    .contains("sightline_query_duration_seconds", "sightline_query_samples_loaded_total");
        }
    }

    @Test
    void oneToOneMatchingFailsOnlyAtAStepWhereTwoSeriesOfOneMatchGroupBothMatchEvenPastTheSixtyFourthStep() {
        Appender a = storage.appender();
        for (long t = 0; t <= 30 * MINUTE; t += 15_000) {
            a.append(Appender.NO_REF, Labels.of("__name__", "capacity", "job", "api"), t, 100);
            if (t < 10 * MINUTE) {
                a.append(Appender.NO_REF, Labels.of("__name__", "used", "job", "api", "x", "1"), t, 10);
            }
            if (t >= 20 * MINUTE) {
                a.append(Appender.NO_REF, Labels.of("__name__", "used", "job", "api", "x", "2"), t, 20);
            }
            if (t >= 24 * MINUTE) { // steps 96.. (past the first 64-step word) overlap x=2
                a.append(Appender.NO_REF, Labels.of("__name__", "spare", "job", "api", "x", "3"), t, 30);
            }
        }
        a.commit();
        QueryEngine engine = engine(QueryConfig.defaults());
        QueryResult ok = engine.rangeQuery("used / on(job) capacity", 0, 30 * MINUTE, 15_000, QueryOptions.DEFAULT);
        Value.SeriesPoints joined = ((Value.Matrix) ok.value()).series().getFirst(); // on(job): the result is {job="api"}
        assertThat(((Value.Matrix) ok.value()).series()).hasSize(1);
        assertThat(java.util.Arrays.stream(joined.values(), 0, joined.count()).distinct().boxed()).containsExactly(0.1, 0.2);

        QueryException e = catchThrowableOfType(QueryException.class, () -> engine.rangeQuery(
                "{__name__=~\"used|spare\"} / on(job) capacity", 0, 30 * MINUTE, 15_000, QueryOptions.DEFAULT));
        assertThat(e.getMessage()).contains("multiple matches for labels: many-to-one matching must be explicit");

        QueryException early = catchThrowableOfType(QueryException.class, () -> engine.rangeQuery(
                "{__name__=~\"used|spare\"} / on(job) capacity", 0, 24 * MINUTE, 15_000, QueryOptions.DEFAULT));
        assertThat(early).as("x=3 starts at the last step only, where x=2 also matches").isNotNull();
        QueryResult before = engine.rangeQuery("{__name__=~\"used|spare\"} / on(job) capacity", 0, 24 * MINUTE - 15_000,
                15_000, QueryOptions.DEFAULT);
        assertThat(((Value.Matrix) before.value()).series()).hasSize(1);
    }
}
