package io.sightline.storage.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.Appender;
import io.sightline.storage.Querier;
import io.sightline.storage.SampleIterator;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Appenders on several threads, a reader and block cuts, all at once: afterwards every committed sample is
 * there exactly once and in order, in memory and after a restart.
 */
class ConcurrentAccessTest {
    private static final int WRITERS = 3;
    private static final int SERIES_PER_WRITER = 50;
    private static final int BATCHES = 1_500;
    private static final long STEP = 15_000;

    @TempDir
    Path dir;

    @RepeatedTest(5)
    void concurrentAppendsReadsAndCutsLoseAndDuplicateNothing() throws Exception {
        StorageConfig config = new StorageConfig(dir, 7_200_000, 1_000 * 3_600_000L, WalSyncMode.NEVER, 1_000, 1 << 20, 0, 10_000);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
        AtomicBoolean isWriting = new AtomicBoolean(true);
        try (StorageEngine s = StorageEngine.open(config, OpenTelemetry.noop().getMeter("test"), DefaultFileFacade.INSTANCE, false)) {
            List<Future<?>> writers = new ArrayList<>();
            // Writers keep within 10 batches of each other: a writer far behind the others would fall
            // behind a block cut and see its samples refused as OUT_OF_BOUNDS, as it should.
            Phaser lockstep = new Phaser(WRITERS);
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> write(s, writer, lockstep)));
            }
            Future<?> reader = pool.submit(() -> {
                while (isWriting.get()) {
                    readAll(s, false);
                }
            });
            int cuts = 0;
            for (Future<?> f : writers) {
                while (!f.isDone()) {
                    cuts += s.cutBlocks();
                    Thread.onSpinWait();
                }
                f.get();
            }
            isWriting.set(false);
            reader.get();
            cuts += s.cutBlocks();
            assertThat(cuts).isPositive();
            readAll(s, true);
        } finally {
            pool.shutdownNow();
        }
        try (StorageEngine s = StorageEngine.open(config, OpenTelemetry.noop().getMeter("test"), DefaultFileFacade.INSTANCE, false)) {
            readAll(s, true);
        }
    }

    @Test
    void sampleAcceptedBeforeACutIsKeptWhenCommittedWhileTheCutRuns() throws Exception {
        StorageConfig config = new StorageConfig(dir, 7_200_000, 1_000 * 3_600_000L, WalSyncMode.NEVER, 1_000, 1 << 20, 0, 10_000);
        Labels lagging = Labels.of("__name__", "c", "writer", "lagging");
        try (StorageEngine s = StorageEngine.open(config, OpenTelemetry.noop().getMeter("test"), DefaultFileFacade.INSTANCE, false)) {
            Appender ahead = s.appender();
            for (long t = 0; t <= 4 * 3_600_000L; t += STEP) {
                ahead.append(0, Labels.of("__name__", "c", "writer", "ahead"), t, 1);
            }
            ahead.commit();
            Appender open = s.appender();
            // Valid now: the head holds 0..4h and no block is cut yet.
            assertThat(open.append(0, lagging, 60_000, 7)).isPositive();

            Thread cutter = new Thread(s::cutBlocks, "cutter");
            cutter.start();
            while (s.head().minValidTime() <= 60_000) {
                Thread.onSpinWait();
            }
            open.commit();
            cutter.join();

            assertThat(s.head().rejected(io.sightline.storage.RejectReason.OUT_OF_BOUNDS)).isZero();
            try (Querier q = s.querier(0, Long.MAX_VALUE)) {
                SeriesSet set = q.select(false, Matcher.eq("writer", "lagging"));
                assertThat(set.next()).isTrue();
                SampleIterator it = set.at().iterator(null);
                assertThat(it.next()).isTrue();
                assertThat(it.timestamp()).isEqualTo(60_000);
                assertThat(it.value()).isEqualTo(7);
            }
        }
    }

    private static void write(StorageEngine s, int writer, Phaser lockstep) {
        long[] refs = new long[SERIES_PER_WRITER];
        Labels[] labels = new Labels[SERIES_PER_WRITER];
        for (int i = 0; i < SERIES_PER_WRITER; i++) {
            labels[i] = Labels.of("__name__", "c", "writer", Integer.toString(writer), "i", Integer.toString(i));
        }
        for (int b = 0; b < BATCHES; b++) {
            Appender a = s.appender();
            for (int i = 0; i < SERIES_PER_WRITER; i++) {
                refs[i] = a.append(refs[i], labels[i], b * STEP, b);
                assertThat(refs[i]).isPositive();
            }
            a.commit();
            if (b % 10 == 9) {
                lockstep.arriveAndAwaitAdvance();
            }
        }
        lockstep.arriveAndDeregister();
    }

    /** Checks order and values everywhere; with {@code isComplete}, also that every sample is there. */
    private static void readAll(StorageEngine s, boolean isComplete) {
        int series = 0;
        try (Querier q = s.querier(0, Long.MAX_VALUE)) {
            SeriesSet set = q.select(false, Matcher.eq("__name__", "c"));
            SampleIterator it = null;
            while (set.next()) {
                series++;
                it = set.at().iterator(it);
                long expected = -1;
                int n = 0;
                while (it.next()) {
                    assertThat(it.timestamp()).isGreaterThan(expected * STEP);
                    expected = it.timestamp() / STEP;
                    assertThat(it.value()).isEqualTo((double) expected);
                    n++;
                }
                if (isComplete) {
                    assertThat(n).as("samples of %s", set.at().labels()).isEqualTo(BATCHES);
                }
            }
        }
        if (isComplete) {
            assertThat(series).isEqualTo(WRITERS * SERIES_PER_WRITER);
        }
    }
}
