package io.sightline.storage.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.Appender;
import io.sightline.storage.Querier;
import io.sightline.storage.SampleIterator;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Commits that run at the same time encode their samples before the commit lock; the log must still hold
 * them in the order they were applied, so that a replay rebuilds exactly the head the commits built.
 */
class WalConcurrentCommitTest {
    private static final int THREADS = 4;
    private static final int ROUNDS = 60;
    private static final int SERIES = 300;

    @TempDir
    Path dir;

    private Storage open() {
        // No out-of-order window: which of two racing samples of a series is kept depends on the commit order.
        return Storage.open(new StorageConfig(dir, 7_200_000, 15L * 24 * 3_600_000, WalSyncMode.NEVER, 10, 1 << 20,
                0, 100_000), OpenTelemetry.noop().getMeter("test"));
    }

    @RepeatedTest(3)
    void replayRebuildsTheHeadThatRacingCommitsOnSharedSeriesBuilt() throws Exception {
        Map<String, List<String>> before;
        try (Storage s = open()) {
            CyclicBarrier roundStart = new CyclicBarrier(THREADS);
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (int k = 0; k < THREADS; k++) {
                int writer = k;
                Thread t = new Thread(() -> {
                    try {
                        write(s, writer, roundStart);
                    } catch (Throwable e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures).isEmpty();
            before = dump(s);
        }
        // Every writer's samples race for the same series: unless some were refused, the test shows nothing.
        int kept = before.values().stream().mapToInt(List::size).sum();
        assertThat(kept).isGreaterThan(SERIES).isLessThan(THREADS * ROUNDS * SERIES);

        try (Storage s = open()) {
            assertThat(dump(s)).isEqualTo(before);
        }
    }

    /**
     * Each round every writer sends one sample to every series, at a time just past the round's start that
     * differs per writer; a sample older than what another writer committed first is refused as out of order.
     */
    private static void write(Storage s, int writer, CyclicBarrier roundStart) throws Exception {
        for (int r = 0; r < ROUNDS; r++) {
            roundStart.await();
            Appender a = s.appender();
            for (int i = 0; i < SERIES; i++) {
                // Half the writers go through the series in reverse, so commits overlap in time and in series.
                int series = writer % 2 == 0 ? i : SERIES - 1 - i;
                a.append(Appender.NO_REF, Labels.of("__name__", "race", "series", Integer.toString(series)),
                        r * 1_000L + (writer * 7 + r) % THREADS, writer * 1_000_000.0 + r * 1_000 + series);
            }
            a.commit();
        }
    }

    /** Every series' samples as "time=value" strings, by series. */
    private static Map<String, List<String>> dump(Storage s) {
        Map<String, List<String>> out = new TreeMap<>();
        try (Querier q = s.querier(0, Long.MAX_VALUE)) {
            SeriesSet set = q.select(false, Matcher.eq("__name__", "race"));
            SampleIterator it = null;
            while (set.next()) {
                List<String> samples = new ArrayList<>();
                it = set.at().iterator(it);
                while (it.next()) {
                    samples.add(it.timestamp() + "=" + it.value());
                }
                out.put(set.at().labels().get("series"), samples);
            }
        }
        assertThat(out).hasSize(SERIES);
        return out;
    }
}
