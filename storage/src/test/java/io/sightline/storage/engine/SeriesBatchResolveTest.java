package io.sightline.storage.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.Appender;
import io.sightline.storage.Querier;
import io.sightline.storage.RejectReason;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Appender#resolveSeries}: a request's new series registered as one batch before its appends. */
class SeriesBatchResolveTest {
    private static final long HOUR = 3_600_000;

    @TempDir
    Path dir;

    private StorageEngine open(long maxSeries) {
        return StorageEngine.open(new StorageConfig(dir, 2 * HOUR, 100 * HOUR, WalSyncMode.NEVER, 1_000, 1 << 20, 0, maxSeries),
                OpenTelemetry.noop().getMeter("test"), DefaultFileFacade.INSTANCE, false);
    }

    private static Labels series(int i) {
        return Labels.of("__name__", "m", "i", Integer.toString(i));
    }

    @Test
    void resolvedReferencesAreTheSeriesAppendFindsAndTheQueriesSee() {
        try (StorageEngine s = open(100)) {
            Appender first = s.appender();
            long known = first.append(Appender.NO_REF, series(0), 1_000, 1);
            first.commit();

            Labels[] labels = {series(1), series(0), null, series(2), series(1)};
            long[] refs = {Appender.NO_REF, Appender.NO_REF, Appender.NO_REF, Appender.NO_REF, Appender.NO_REF};
            Appender a = s.appender();
            a.resolveSeries(labels, refs, 0, labels.length);
            assertThat(refs[1]).isEqualTo(known);
            assertThat(refs[2]).isEqualTo(Appender.NO_REF);
            assertThat(refs[0]).isPositive().isEqualTo(refs[4]).isNotIn(known, refs[3]);
            assertThat(refs[3]).isPositive();
            for (int i : new int[]{0, 1, 3}) {
                assertThat(a.append(refs[i], labels[i], 2_000, i)).isEqualTo(refs[i]);
            }
            a.commit();

            try (Querier q = s.querier(0, Long.MAX_VALUE)) {
                Set<Labels> seen = new HashSet<>();
                SeriesSet set = q.select(false, Matcher.eq("__name__", "m"));
                while (set.next()) {
                    seen.add(set.at().labels());
                }
                assertThat(seen).containsExactlyInAnyOrder(series(0), series(1), series(2));
            }
        }
        try (StorageEngine s = open(100)) {
            Appender a = s.appender();
            assertThat(a.append(Appender.NO_REF, series(2), 3_000, 3)).isEqualTo(3);
            a.commit();
        }
    }

    @Test
    void seriesBeyondTheMaximumStayUnresolvedAndAppendRejectsThemWithLimit() {
        try (StorageEngine s = open(2)) {
            Labels[] labels = {series(1), series(2), series(3)};
            long[] refs = new long[3];
            Appender a = s.appender();
            a.resolveSeries(labels, refs, 0, 3);
            assertThat(refs).containsExactly(1, 2, Appender.NO_REF);
            assertThat(a.append(refs[2], labels[2], 1_000, 1)).isEqualTo(RejectReason.LIMIT.code());
            a.rollback();
        }
    }

    @Test
    void threadsResolvingOverlappingBatchesAtOnceGetOneSeriesPerLabelSet() throws Exception {
        int threads = 4;
        int perThread = 3_000;
        try (StorageEngine s = open(100_000)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<long[]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * perThread / 2; // each thread's range overlaps the next one's by half
                results.add(pool.submit(() -> {
                    Labels[] labels = new Labels[perThread];
                    for (int i = 0; i < perThread; i++) {
                        labels[i] = series(offset + i);
                    }
                    long[] refs = new long[perThread];
                    start.await();
                    Appender a = s.appender();
                    for (int from = 0; from < perThread; from += 500) {
                        a.resolveSeries(labels, refs, from, from + 500);
                    }
                    for (int i = 0; i < perThread; i++) {
                        // the value of the series, not of the thread: a series two threads share gets one sample
                        assertThat(a.append(refs[i], labels[i], 1_000, offset + i)).isEqualTo(refs[i]);
                    }
                    a.commit();
                    return refs;
                }));
            }
            long[][] refs = new long[threads][];
            for (int t = 0; t < threads; t++) {
                refs[t] = results.get(t).get();
            }
            pool.shutdown();
            int distinct = perThread * (threads + 1) / 2;
            assertThat(s.head().seriesCount()).isEqualTo(distinct);
            for (int t = 0; t + 1 < threads; t++) {
                for (int i = 0; i < perThread / 2; i++) {
                    assertThat(refs[t][perThread / 2 + i]).isEqualTo(refs[t + 1][i]);
                }
            }
            Set<Long> ids = new HashSet<>();
            for (long[] r : refs) {
                for (long id : r) {
                    ids.add(id);
                }
            }
            assertThat(ids).hasSize(distinct);
            try (Querier q = s.querier(0, Long.MAX_VALUE)) {
                SeriesSet set = q.select(false, Matcher.eq("__name__", "m"));
                int found = 0;
                while (set.next()) {
                    found++;
                }
                assertThat(found).isEqualTo(distinct);
            }
        }
    }
}
