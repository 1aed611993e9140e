package io.sightline.storage;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import io.sightline.storage.model.MetricMetadata;
import io.sightline.storage.model.StaleMarker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.sightline.storage.model.Matcher.Type.EQ;
import static io.sightline.storage.model.Matcher.Type.NEQ;
import static io.sightline.storage.model.Matcher.Type.NRE;
import static io.sightline.storage.model.Matcher.Type.RE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Behaviour every state of the real store must keep: run by subclasses that move the written data into
 * one state (head, cut block, after restart) before it is read back.
 */
public abstract class StorageContractTest {
    /** Samples may arrive up to this far behind a series' newest sample. */
    protected static final long WINDOW = 600_000;
    protected static final long HOUR = 3_600_000;

    @TempDir
    protected Path dataDir;
    protected Storage storage;

    /** Brings what was committed so far into the state under test; returns the store to read from. */
    protected abstract Storage settle(Storage written);

    protected StorageConfig config() {
        return new StorageConfig(dataDir, 2 * HOUR, 15 * 24 * HOUR, WalSyncMode.NEVER, 1_000, 1 << 20, WINDOW, 10_000);
    }

    @BeforeEach
    void openStore() {
        storage = Storage.open(config(), OpenTelemetry.noop().getMeter("test"));
    }

    @AfterEach
    void closeStore() {
        storage.close();
    }

    @Test
    void appendedSamplesComeBackInTimeOrder() {
        Labels up = Labels.of("__name__", "up", "job", "api");
        commit(a -> {
            long ref = a.append(Appender.NO_REF, up, 1_000, 1);
            ref = a.append(ref, up, 2_000, 2);
            a.append(ref, up, 3_000, 3);
        });
        storage = settle(storage);

        assertThat(samples(0, 10_000, m(EQ, "__name__", "up"))).containsExactly(
                "{__name__=\"up\", job=\"api\"} 1000=1.0 2000=2.0 3000=3.0");
    }

    @Test
    void querierRangeIsInclusiveAtBothEnds() {
        Labels s = Labels.of("__name__", "m");
        commit(a -> {
            for (long t = 1_000; t <= 5_000; t += 1_000) {
                a.append(Appender.NO_REF, s, t, t / 1000.0);
            }
        });
        storage = settle(storage);

        assertThat(samples(2_000, 4_000, m(EQ, "__name__", "m"))).containsExactly("{__name__=\"m\"} 2000=2.0 3000=3.0 4000=4.0");
        assertThat(samples(6_000, 9_000, m(EQ, "__name__", "m"))).isEmpty();
    }

    @Test
    void allFourMatcherTypesSelectAsPrometheusDoes() {
        writeJobs();
        storage = settle(storage);

        assertThat(names(m(EQ, "__name__", "req"), m(EQ, "job", "api"))).containsExactly("api");
        assertThat(names(m(EQ, "__name__", "req"), m(NEQ, "job", "api"))).containsExactly("db", "none");
        assertThat(names(m(EQ, "__name__", "req"), m(RE, "job", "a.*|d."))).containsExactly("api", "db");
        assertThat(names(m(EQ, "__name__", "req"), m(NRE, "job", "a.*"))).containsExactly("db", "none");
        assertThat(names(m(RE, "job", ".+"))).containsExactly("api", "db");
    }

    @Test
    void emptyValueMatcherSelectsSeriesWithoutTheLabel() {
        writeJobs();
        storage = settle(storage);

        assertThat(names(m(EQ, "__name__", "req"), m(EQ, "job", ""))).containsExactly("none");
        assertThat(names(m(EQ, "__name__", "req"), m(RE, "job", ".*"))).containsExactly("api", "db", "none");
        assertThat(names(m(EQ, "__name__", "req"), m(RE, "job", "api|"))).containsExactly("api", "none");
        assertThat(names(m(EQ, "__name__", "req"), m(NEQ, "job", ""))).containsExactly("api", "db");
    }

    @Test
    void selectorWhoseEveryMatcherMatchesEmptyIsRejected() {
        writeJobs();
        storage = settle(storage);
        try (Querier q = storage.querier(0, 10_000)) {
            assertThatThrownBy(() -> q.select(false, m(EQ, "job", "")))
                    .isInstanceOf(StorageException.class).hasMessageContaining("job=\"\"");
            assertThatThrownBy(() -> q.select(false, m(RE, "job", ".*"), m(NEQ, "x", "y")))
                    .isInstanceOf(StorageException.class);
            assertThatThrownBy(() -> q.select(false)).isInstanceOf(StorageException.class);
        }
    }

    @Test
    void sortedSelectReturnsSeriesInLabelOrder() {
        commit(a -> {
            for (String job : List.of("zeta", "alpha", "mid", "beta")) {
                a.append(Appender.NO_REF, Labels.of("__name__", "x", "job", job), 1_000, 1);
            }
        });
        storage = settle(storage);

        List<String> jobs = new ArrayList<>();
        try (Querier q = storage.querier(0, 2_000)) {
            SeriesSet set = q.select(true, m(EQ, "__name__", "x"));
            while (set.next()) {
                jobs.add(set.at().labels().get("job"));
            }
        }
        assertThat(jobs).containsExactly("alpha", "beta", "mid", "zeta");
    }

    @Test
    void rolledBackBatchLeavesNoSamples() {
        Labels kept = Labels.of("__name__", "kept");
        Labels dropped = Labels.of("__name__", "dropped");
        commit(a -> a.append(Appender.NO_REF, kept, 1_000, 1));
        Appender a = storage.appender();
        a.append(Appender.NO_REF, kept, 2_000, 2);
        a.append(Appender.NO_REF, dropped, 2_000, 2);
        a.rollback();
        storage = settle(storage);

        assertThat(samples(0, 10_000, m(RE, "__name__", ".+"))).containsExactly("{__name__=\"kept\"} 1000=1.0");
    }

    @Test
    void sampleBehindTheOutOfOrderWindowIsRejected() {
        Labels s = Labels.of("__name__", "m");
        commit(a -> a.append(Appender.NO_REF, s, 10 * WINDOW, 1));
        Appender a = storage.appender();
        assertThat(a.append(Appender.NO_REF, s, 9 * WINDOW - 1, 2)).isEqualTo(RejectReason.OUT_OF_ORDER.code());
        long inBatch = a.append(Appender.NO_REF, s, 12 * WINDOW, 3);
        assertThat(inBatch).isPositive();
        assertThat(a.append(inBatch, s, 11 * WINDOW - 1, 4)).isEqualTo(RejectReason.OUT_OF_ORDER.code());
        a.commit();
        storage = settle(storage);

        assertThat(samples(0, 20 * WINDOW, m(EQ, "__name__", "m")))
                .containsExactly("{__name__=\"m\"} " + 10 * WINDOW + "=1.0 " + 12 * WINDOW + "=3.0");
    }

    @Test
    void sampleInsideTheOutOfOrderWindowIsMergedInTimeOrder() {
        Labels s = Labels.of("__name__", "m");
        commit(a -> {
            a.append(Appender.NO_REF, s, 100_000, 1);
            a.append(Appender.NO_REF, s, 300_000, 3);
        });
        commit(a -> assertThat(a.append(Appender.NO_REF, s, 200_000, 2)).isPositive());
        storage = settle(storage);

        assertThat(samples(0, 1_000_000, m(EQ, "__name__", "m")))
                .containsExactly("{__name__=\"m\"} 100000=1.0 200000=2.0 300000=3.0");
    }

    @Test
    void sameTimestampWithOtherValueIsDuplicateAndWithSameValueIsIdempotent() {
        Labels s = Labels.of("__name__", "m");
        commit(a -> a.append(Appender.NO_REF, s, 1_000, 1));
        Appender a = storage.appender();
        assertThat(a.append(Appender.NO_REF, s, 1_000, 2)).isEqualTo(RejectReason.DUPLICATE.code());
        assertThat(a.append(Appender.NO_REF, s, 1_000, 1)).isPositive();
        long ref = a.append(Appender.NO_REF, s, 2_000, 5);
        assertThat(a.append(ref, s, 2_000, 6)).isEqualTo(RejectReason.DUPLICATE.code());
        assertThat(a.append(ref, s, 2_000, 5)).isEqualTo(ref);
        a.commit();
        storage = settle(storage);

        assertThat(samples(0, 10_000, m(EQ, "__name__", "m"))).containsExactly("{__name__=\"m\"} 1000=1.0 2000=5.0");
    }

    @Test
    void staleMarkerIsStoredBitForBit() {
        Labels s = Labels.of("__name__", "m");
        commit(a -> {
            a.append(Appender.NO_REF, s, 1_000, 1);
            a.append(Appender.NO_REF, s, 2_000, StaleMarker.VALUE);
            a.append(Appender.NO_REF, s, 3_000, Double.NaN);
        });
        storage = settle(storage);

        try (Querier q = storage.querier(0, 10_000)) {
            SeriesSet set = q.select(false, m(EQ, "__name__", "m"));
            assertThat(set.next()).isTrue();
            SampleIterator it = set.at().iterator(null);
            assertThat(it.next()).isTrue();
            assertThat(it.next()).isTrue();
            assertThat(it.timestamp()).isEqualTo(2_000);
            assertThat(StaleMarker.isStale(it.value())).isTrue();
            assertThat(it.next()).isTrue();
            assertThat(Double.isNaN(it.value()) && !StaleMarker.isStale(it.value())).isTrue();
            assertThat(it.next()).isFalse();
        }
    }

    @Test
    void iteratorSeeksToTheFirstSampleAtOrAfterTheTarget() {
        Labels s = Labels.of("__name__", "m");
        commit(a -> {
            for (long t = 0; t < 1_000 * 15_000L; t += 15_000) {
                a.append(Appender.NO_REF, s, t, t);
            }
        });
        storage = settle(storage);

        try (Querier q = storage.querier(0, Long.MAX_VALUE)) {
            SeriesSet set = q.select(false, m(EQ, "__name__", "m"));
            assertThat(set.next()).isTrue();
            SampleIterator it = set.at().iterator(null);
            assertThat(it.seek(7_000_001)).isTrue();
            assertThat(it.timestamp()).isEqualTo(7_005_000);
            assertThat(it.seek(7_000_000)).isTrue();
            assertThat(it.timestamp()).isEqualTo(7_005_000);
            assertThat(it.next()).isTrue();
            assertThat(it.timestamp()).isEqualTo(7_020_000);
            assertThat(it.seek(999 * 15_000L)).isTrue();
            assertThat(it.value()).isEqualTo(999 * 15_000.0);
            assertThat(it.seek(1_000 * 15_000L)).isFalse();
            SampleIterator reused = set.at().iterator(it);
            assertThat(reused.next()).isTrue();
            assertThat(reused.timestamp()).isZero();
        }
    }

    @Test
    void manySamplesAcrossChunksAndBlocksReadBackExactly() {
        Labels s = Labels.of("__name__", "long", "job", "x");
        long end = 5 * HOUR;
        commit(a -> {
            long ref = Appender.NO_REF;
            for (long t = 0; t < end; t += 15_000) {
                ref = a.append(ref, s, t, t % 7 == 0 ? -t : t * 0.5);
            }
        });
        storage = settle(storage);

        try (Querier q = storage.querier(0, end)) {
            SeriesSet set = q.select(false, m(EQ, "job", "x"));
            assertThat(set.next()).isTrue();
            SampleIterator it = set.at().iterator(null);
            long expected = 0;
            while (it.next()) {
                assertThat(it.timestamp()).isEqualTo(expected);
                assertThat(it.value()).isEqualTo(expected % 7 == 0 ? -expected : expected * 0.5);
                expected += 15_000;
            }
            assertThat(expected).isEqualTo(end);
            assertThat(set.next()).isFalse();
        }
    }

    @Test
    void labelNamesAndValuesFollowTheMatchers() {
        writeJobs();
        commit(a -> a.append(Appender.NO_REF, Labels.of("__name__", "other", "zone", "eu"), 1_000, 1));
        storage = settle(storage);


        try (Querier q = storage.querier(0, 10_000)) {
            assertThat(q.labelNames()).containsExactly("__name__", "job", "name", "zone");
            assertThat(q.labelNames(m(EQ, "__name__", "other"))).containsExactly("__name__", "zone");
            assertThat(q.labelValues("job")).containsExactly("api", "db");
            assertThat(q.labelValues("__name__", m(EQ, "zone", "eu"))).containsExactly("other");
            assertThat(q.labelValues("job", m(NEQ, "job", "api"), m(EQ, "__name__", "req"))).containsExactly("db");
            assertThat(q.labelValues("nope")).isEmpty();
        }
    }

    @Test
    void staleOrWrongRefFallsBackToTheLabels() {
        Labels a1 = Labels.of("__name__", "a");
        Labels b1 = Labels.of("__name__", "b");
        commit(a -> {
            long refA = a.append(Appender.NO_REF, a1, 1_000, 1);
            long refB = a.append(refA, b1, 1_000, 2);
            assertThat(refB).isNotEqualTo(refA).isPositive();
            assertThat(a.append(987_654, a1, 2_000, 3)).isEqualTo(refA);
        });
        storage = settle(storage);

        assertThat(samples(0, 10_000, m(RE, "__name__", "a|b")))
                .containsExactlyInAnyOrder("{__name__=\"a\"} 1000=1.0 2000=3.0", "{__name__=\"b\"} 1000=2.0");
    }

    @Test
    void metadataIsLastWriteWinsPerFamily() {
        commit(a -> {
            a.updateMetadata("http_requests", new MetricMetadata("counter", "old", ""));
            a.updateMetadata("temp", new MetricMetadata("gauge", "t", "celsius"));
        });
        commit(a -> a.updateMetadata("http_requests", new MetricMetadata("counter", "Requests.", "")));
        storage = settle(storage);

        assertThat(storage.metadata(null, 0)).containsOnlyKeys("http_requests", "temp");
        assertThat(storage.metadata("http_requests", 0).get("http_requests"))
                .containsExactly(new MetricMetadata("counter", "Requests.", ""));
        assertThat(storage.metadata(null, 1)).hasSize(1);
    }

    @Test
    void statsCountSeriesAndTimeRange() {
        writeJobs();
        storage = settle(storage);

        StorageStats stats = storage.stats();
        assertThat(stats.headSeries() + stats.blocks()).isPositive();
        assertThat(Math.min(stats.headMinTimeMillis(), 1_000)).isEqualTo(1_000);
    }

    /** Three {@code req} series: job=api, job=db and one without job; each carries name=<its job or none>. */
    private void writeJobs() {
        commit(a -> {
            a.append(Appender.NO_REF, Labels.of("__name__", "req", "job", "api", "name", "api"), 1_000, 1);
            a.append(Appender.NO_REF, Labels.of("__name__", "req", "job", "db", "name", "db"), 1_000, 2);
            a.append(Appender.NO_REF, Labels.of("__name__", "req", "name", "none"), 1_000, 3);
        });
    }

    protected final void commit(java.util.function.Consumer<Appender> body) {
        Appender a = storage.appender();
        body.accept(a);
        a.commit();
    }

    protected static Matcher m(Matcher.Type type, String name, String value) {
        return Matcher.of(type, name, value);
    }

    /** The {@code name} label of every selected series, sorted. */
    protected final List<String> names(Matcher... matchers) {
        List<String> out = new ArrayList<>();
        try (Querier q = storage.querier(0, 10_000)) {
            SeriesSet set = q.select(true, matchers);
            while (set.next()) {
                out.add(set.at().labels().get("name"));
            }
        }
        out.sort(null);
        return out;
    }

    /** Each selected series as {@code labels t=v t=v ...}, sorted by labels. */
    protected final List<String> samples(long mint, long maxt, Matcher... matchers) {
        List<String> out = new ArrayList<>();
        try (Querier q = storage.querier(mint, maxt)) {
            SeriesSet set = q.select(true, matchers);
            SampleIterator reuse = null;
            while (set.next()) {
                StringBuilder sb = new StringBuilder(set.at().labels().toString());
                reuse = set.at().iterator(reuse);
                while (reuse.next()) {
                    sb.append(' ').append(reuse.timestamp()).append('=').append(reuse.value());
                }
                out.add(sb.toString());
            }
        }
        return out;
    }
}
