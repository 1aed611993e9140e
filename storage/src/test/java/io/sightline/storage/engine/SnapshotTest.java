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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Snapshots: a copy of blocks and head that opens as a data directory; the live store is left as it was. */
class SnapshotTest {
    private static final long HOUR = 3_600_000;
    private static final long STEP = 15_000;

    @TempDir
    Path dir;

    private StorageEngine open(Path dataDir) {
        StorageConfig config = new StorageConfig(dataDir, 2 * HOUR, 100 * HOUR, WalSyncMode.NEVER, 1_000, 1 << 20, 0, 10_000);
        return StorageEngine.open(config, OpenTelemetry.noop().getMeter("test"), DefaultFileFacade.INSTANCE, false);
    }

    @Test
    void snapshotOpensAsADataDirectoryWithEverySampleOfBlocksAndHead() throws IOException {
        List<String> live;
        String name;
        try (StorageEngine s = open(dir.resolve("data"))) {
            write(s, 0, 4 * HOUR, 20);
            assertThat(s.cutBlocks()).isEqualTo(1); // [0, 2h) in a block, the rest (two windows) in the head
            write(s, 4 * HOUR, 5 * HOUR + 7 * STEP, 20); // an open chunk with a few samples
            long headSeries = s.stats().headSeries();
            long walBefore = walBytes(dir.resolve("data"));

            name = s.snapshot();

            assertThat(name).matches("\\d{8}T\\d{6}Z-[0-9a-f]{16}");
            assertThat(s.stats().blocks()).isEqualTo(1);
            assertThat(s.stats().headSeries()).isEqualTo(headSeries);
            assertThat(walBytes(dir.resolve("data"))).isEqualTo(walBefore);
            live = dump(s);
            write(s, 5 * HOUR + 7 * STEP, 5 * HOUR + 9 * STEP, 20); // appends go on after it
        }
        assertThat(live).hasSize(20 * (int) ((5 * HOUR + 7 * STEP) / STEP));

        Path snapshot = dir.resolve("data/snapshots").resolve(name);
        assertThat(Files.exists(snapshot.resolve("wal"))).isFalse();
        try (StorageEngine restored = open(snapshot)) {
            // The cut block, and the head (two windows: [2h, 4h) and [4h, 5h+)) written as one block.
            assertThat(restored.stats().blocks()).isEqualTo(2);
            assertThat(restored.stats().headSeries()).isZero();
            assertThat(dump(restored)).isEqualTo(live);
            // The registry was rebuilt from the labels file: known series keep their ids, new ones get fresh ids.
            write(restored, 6 * HOUR, 6 * HOUR + STEP, 21);
            assertThat(dump(restored)).hasSize(live.size() + 21);
        }
    }

    @Test
    void snapshotOfAnEmptyStoreIsAnEmptyDataDirectory() {
        try (StorageEngine s = open(dir.resolve("data"))) {
            String name = s.snapshot();
            try (StorageEngine restored = open(dir.resolve("data/snapshots").resolve(name))) {
                assertThat(restored.stats().blocks()).isZero();
                assertThat(dump(restored)).isEmpty();
            }
        }
    }

    private static void write(StorageEngine s, long from, long to, int series) {
        Appender a = s.appender();
        for (long t = from; t < to; t += STEP) {
            for (int i = 0; i < series; i++) {
                assertThat(a.append(Appender.NO_REF, Labels.of("__name__", "m", "i", Integer.toString(i)), t, t / 1000.0))
                        .isPositive();
            }
        }
        a.commit();
    }

    /** Every sample as "labels t v", in series then time order. */
    private static List<String> dump(StorageEngine s) {
        List<String> out = new ArrayList<>();
        try (Querier q = s.querier(Long.MIN_VALUE / 2, Long.MAX_VALUE / 2)) {
            SeriesSet set = q.select(true, Matcher.eq("__name__", "m"));
            SampleIterator it = null;
            while (set.next()) {
                it = set.at().iterator(it);
                while (it.next()) {
                    out.add(set.at().labels() + " " + it.timestamp() + " " + it.value());
                }
            }
        }
        return out;
    }

    private static long walBytes(Path dataDir) throws IOException {
        try (Stream<Path> s = Files.list(dataDir.resolve("wal"))) {
            long sum = 0;
            for (Path p : s.toList()) {
                sum += Files.size(p);
            }
            return sum;
        }
    }
}
