package io.sightline.storage.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.Appender;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.model.Labels;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process {@link CompactionCrashIT} kills: one thread appends a step of every series per commit and prints
 * {@code ACK <step>} once the commit returned (acknowledged), another cuts blocks and compacts them in a loop,
 * printing {@code COMPACTING} before each compaction pass. Arguments: data dir, first step.
 */
public final class CompactionCrashChild {
    static final int SERIES = 400;
    static final long STEP_MILLIS = 60_000;
    static final long BLOCK_MILLIS = 2 * 3_600_000L;

    private CompactionCrashChild() {
    }

    static StorageConfig config(Path dir) {
        return new StorageConfig(dir, BLOCK_MILLIS, 10_000 * BLOCK_MILLIS, WalSyncMode.NEVER, 1_000, 1 << 20, 0, 100_000);
    }

    static double value(int series, long step) {
        return series * 1_000_000.0 + step;
    }

    static Labels labels(int series) {
        return Labels.of("__name__", "crash_test", "series", Integer.toString(series));
    }

    public static void main(String[] args) throws Exception {
        long step = Long.parseLong(args[1]);
        StorageEngine s = StorageEngine.open(config(Path.of(args[0])), OpenTelemetry.noop().getMeter("crash"),
                DefaultFileFacade.INSTANCE, false);
        AtomicLong appended = new AtomicLong(step);
        AtomicLong cutAt = new AtomicLong(step);
        Thread jobs = new Thread(() -> {
            while (true) {
                cutAt.set(appended.get());
                s.cutBlocks();
                System.out.println("COMPACTING");
                System.out.flush();
                s.compactBlocks();
            }
        }, "crash-test-jobs");
        jobs.setDaemon(true);
        jobs.start();
        long[] refs = new long[SERIES];
        while (true) {
            Appender a = s.appender();
            for (int i = 0; i < SERIES; i++) {
                refs[i] = a.append(refs[i], labels(i), step * STEP_MILLIS, value(i, step));
                if (refs[i] < 0) {
                    throw new IllegalStateException("sample of series " + i + " at step " + step + " rejected: " + refs[i]);
                }
            }
            a.commit();
            System.out.println("ACK " + step);
            System.out.flush();
            step++;
            appended.set(step);
            // Let the cutter keep up (its loop runs while the head spans 1.5 blocks), as the server's ingest
            // rate is bounded by real time: at most 3 blocks of steps ahead of the last cut.
            while (step - cutAt.get() > 3 * BLOCK_MILLIS / STEP_MILLIS) {
                Thread.sleep(1);
            }
        }
    }
}
