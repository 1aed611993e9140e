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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The bulk {@link SampleIterator#copy} reads exactly what next() reads, across chunks, parts and array sizes. */
class ChunksIteratorCopyTest {
    private static final long HOUR = 3_600_000;
    private static final long STEP = 15_000;

    @TempDir
    Path dir;

    @Test
    void copyReadsTheSameSamplesAsNextAcrossBlockAndHeadUpToMaxT() {
        StorageConfig config = new StorageConfig(dir, 2 * HOUR, 100 * HOUR, WalSyncMode.NEVER, 1_000, 1 << 20, 0, 1_000);
        try (StorageEngine s = StorageEngine.open(config, OpenTelemetry.noop().getMeter("test"), DefaultFileFacade.INSTANCE, false)) {
            write(s, 0, 4 * HOUR);
            assertThat(s.cutBlocks()).isEqualTo(1); // [0, 2h) in a block, the rest in the head
            write(s, 4 * HOUR, 5 * HOUR + 7 * STEP);
            long minT = HOUR + 3 * STEP + 1;
            long maxT = 5 * HOUR + 2 * STEP;
            List<String> expected = readWithNext(s, minT, maxT);
            assertThat(expected).hasSize((int) ((maxT - minT) / STEP) + 1);
            for (int room : new int[]{1, 7, 120, 100_000}) {
                assertThat(readWithCopy(s, minT, maxT, room)).as("room %d", room).isEqualTo(expected);
            }
        }
    }

    private static void write(StorageEngine s, long from, long to) {
        Appender a = s.appender();
        for (long t = from; t < to; t += STEP) {
            a.append(Appender.NO_REF, Labels.of("__name__", "m"), t, (t / STEP) % 97 * 1.5);
        }
        a.commit();
    }

    private static List<String> readWithNext(StorageEngine s, long minT, long maxT) {
        List<String> out = new ArrayList<>();
        forEachSeeked(s, minT, maxT, it -> {
            do {
                if (it.timestamp() > maxT) {
                    break;
                }
                out.add(it.timestamp() + " " + it.value());
            } while (it.next());
        });
        return out;
    }

    /** Reads through copy() into arrays of {@code room} slots, draining them whenever they fill. */
    private static List<String> readWithCopy(StorageEngine s, long minT, long maxT, int room) {
        List<String> out = new ArrayList<>();
        long[] ts = new long[room];
        double[] vs = new double[room];
        forEachSeeked(s, minT, maxT, it -> {
            do {
                int n = it.copy(maxT, ts, vs, 0);
                if (n == 0) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    out.add(ts[i] + " " + vs[i]);
                }
            } while (it.next());
        });
        return out;
    }

    /** Hands each selected series' iterator, sought to {@code minT}, to {@code read} (skipping empty ones). */
    private static void forEachSeeked(StorageEngine s, long minT, long maxT, Consumer<SampleIterator> read) {
        try (Querier q = s.querier(minT, maxT)) {
            SeriesSet set = q.select(false, Matcher.eq("__name__", "m"));
            while (set.next()) {
                SampleIterator it = set.at().iterator(null);
                if (it.seek(minT)) {
                    read.accept(it);
                }
            }
        }
    }
}
