package io.sightline.storage.index;

import io.sightline.storage.StorageException;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChronicleSeriesIndexTest {
    @TempDir
    Path dir;

    private final TaggedAllocator allocator = new TaggedAllocator(DefaultFileFacade.INSTANCE);

    @Test
    void idsAreDenseAndStableAcrossRestarts() {
        Labels a = Labels.of("__name__", "a", "job", "x");
        Labels b = Labels.of("__name__", "b");
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            assertThat(index.getOrCreate(a)).isEqualTo(1);
            assertThat(index.getOrCreate(b)).isEqualTo(2);
            assertThat(index.getOrCreate(a)).isEqualTo(1);
        }
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            assertThat(index.getOrCreate(b)).isEqualTo(2);
            assertThat(index.labels(1)).isEqualTo(a);
            assertThat(index.labels(3)).isNull();
            assertThat(index.getOrCreate(Labels.of("__name__", "c"))).isEqualTo(3);
            assertThat(index.size()).isEqualTo(3);
        }
    }

    @Test
    void threadsRegisteringTheSameLabelsAtOnceGetOneIdPerLabelSet() throws Exception {
        int threads = 8;
        int labelSets = 2_000;
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 10_000, allocator)) {
            int[][] ids = new int[threads][labelSets];
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
            java.util.List<Thread> workers = new java.util.ArrayList<>();
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        // every thread walks the label sets in the same order, so they race on each one
                        for (int n = 0; n < labelSets; n++) {
                            ids[thread][n] = index.getOrCreate(Labels.of("__name__", "m", "i", Integer.toString(n)));
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(index.size()).isEqualTo(labelSets);
            for (int t = 1; t < threads; t++) {
                assertThat(ids[t]).isEqualTo(ids[0]);
            }
            assertThat(java.util.Arrays.stream(ids[0]).distinct().count()).isEqualTo(labelSets);
        }
    }

    @Test
    void registryRefusesSeriesBeyondItsMaximum() {
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 2, allocator)) {
            index.getOrCreate(Labels.of("n", "1"));
            index.getOrCreate(Labels.of("n", "2"));
            assertThat(index.getOrCreate(Labels.of("n", "3"))).isEqualTo(SeriesIndex.FULL);
            assertThat(index.getOrCreate(Labels.of("n", "2"))).isEqualTo(2);
        }
    }

    @Test
    void tornLabelsFileTailIsCutAndALostMapIsRebuiltFromIt() throws IOException {
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            for (int i = 1; i <= 30; i++) {
                index.getOrCreate(Labels.of("n", Integer.toString(i)));
            }
        }
        Path labels = dir.resolve(ChronicleSeriesIndex.LABELS_FILE);
        try (FileChannel ch = FileChannel.open(labels, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(labels) - 3);
        }
        Files.delete(dir.resolve(ChronicleSeriesIndex.MAP_FILE));

        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            assertThat(index.size()).isEqualTo(29);
            assertThat(index.labels(29)).isEqualTo(Labels.of("n", "29"));
            for (int i = 1; i <= 29; i++) {
                assertThat(index.getOrCreate(Labels.of("n", Integer.toString(i)))).isEqualTo(i);
            }
            assertThat(index.getOrCreate(Labels.of("n", "new"))).isEqualTo(30);
        }
    }

    @Test
    void emptyRegistryForTwoMillionSeriesIsSmall() throws IOException {
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 2_000_000, allocator)) {
            assertThat(index.size()).isZero();
        }
        // Apparent size bounds the allocated size too: the map file is not sparse.
        assertThat(Files.size(dir.resolve(ChronicleSeriesIndex.MAP_FILE))).isLessThan(16L << 20);
    }

    @Test
    void registryGrowsPastItsInitialMapSizeUpToMaxSeries() {
        int maxSeries = (int) ChronicleSeriesIndex.MIN_INITIAL_ENTRIES * 2 + 1000;
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, maxSeries, allocator)) {
            for (int i = 1; i <= maxSeries; i++) {
                assertThat(index.getOrCreate(Labels.of("n", Integer.toString(i)))).isEqualTo(i);
            }
            assertThat(index.getOrCreate(Labels.of("n", "one too many"))).isEqualTo(SeriesIndex.FULL);
            assertThat(index.getOrCreate(Labels.of("n", "77777"))).isEqualTo(77777);
        }
    }

    @Test
    void seriesWhoseKeysCollideGetTheirOwnIdsAcrossRestartsAndRebuilds() throws IOException {
        // Salt 0 maps every label set to one key, so every series after the first collides.
        SeriesKeyHash colliding = (canonical, salt) ->
                salt == 0 ? new byte[SeriesKeyHash.BYTES] : SeriesKeyHash.SHA_256.key(canonical, salt);
        Labels a = Labels.of("n", "a");
        Labels b = Labels.of("n", "b");
        Labels c = Labels.of("n", "c");
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator, colliding)) {
            assertThat(index.getOrCreate(a)).isEqualTo(1);
            assertThat(index.getOrCreate(b)).isEqualTo(2);
            assertThat(index.getOrCreate(c)).isEqualTo(3);
            assertThat(index.getOrCreate(b)).isEqualTo(2);
            assertThat(index.getOrCreate(a)).isEqualTo(1);
        }
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator, colliding)) {
            assertThat(index.getOrCreate(c)).isEqualTo(3);
            assertThat(index.getOrCreate(a)).isEqualTo(1);
            assertThat(index.getOrCreate(b)).isEqualTo(2);
        }
        Files.delete(dir.resolve(ChronicleSeriesIndex.MAP_FILE));
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator, colliding)) {
            assertThat(index.getOrCreate(b)).isEqualTo(2);
            assertThat(index.getOrCreate(c)).isEqualTo(3);
            assertThat(index.getOrCreate(a)).isEqualTo(1);
            assertThat(index.getOrCreate(Labels.of("n", "d"))).isEqualTo(4);
        }
    }

    @Test
    void registryOfAnotherFormatVersionIsRefusedNamingTheFileAndTheVersion() throws IOException {
        Files.write(dir.resolve(ChronicleSeriesIndex.LABELS_FILE), new byte[]{0x53, 0x4C, 0x42, 0x4C, 1, 0, 0, 0});

        assertThatThrownBy(() -> ChronicleSeriesIndex.open(dir, 100, allocator))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(dir.resolve(ChronicleSeriesIndex.LABELS_FILE).toString())
                .hasMessageContaining("unsupported format version 1, this build reads version 2 to 3")
                .hasMessageContaining("delete the data directory");
        assertThat(dir.resolve(ChronicleSeriesIndex.MAP_FILE)).doesNotExist();
    }

    @Test
    void aFailedMapInsertRecordsNothingSoTheSeriesGetsItsIdOnTheNextTry() {
        // Failing the key of the insert stands in for Chronicle failing to grow the map file on a full disk.
        java.util.concurrent.atomic.AtomicBoolean isMapFull = new java.util.concurrent.atomic.AtomicBoolean();
        SeriesKeyHash failingInsert = (canonical, salt) -> {
            if (isMapFull.get()) {
                throw new IllegalStateException("injected: cannot allocate a tier");
            }
            return SeriesKeyHash.SHA_256.key(canonical, salt);
        };
        Labels a = Labels.of("n", "a");
        Labels b = Labels.of("n", "b");
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator, failingInsert)) {
            assertThat(index.getOrCreate(a)).isEqualTo(1);
            isMapFull.set(true);
            assertThatThrownBy(() -> index.getOrCreate(b)).isInstanceOf(StorageException.class)
                    .hasMessageContaining(dir.resolve(ChronicleSeriesIndex.MAP_FILE).toString());
            isMapFull.set(false);
            assertThat(index.size()).isEqualTo(1);
            assertThat(index.getOrCreate(b)).isEqualTo(2);
        }
        assertReopenedHoldsTwoSeriesRetriedAsId2(b);
    }

    @Test
    void aFailedLabelsWriteTakesTheMapEntryBackSoTheSeriesKeepsOneId() {
        DiskFullFiles files = new DiskFullFiles();
        TaggedAllocator failing = new TaggedAllocator(files);
        Labels a = Labels.of("n", "a");
        Labels b = Labels.of("n", "b");
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, failing)) {
            assertThat(index.getOrCreate(a)).isEqualTo(1);
            files.isDiskFull = true;
            assertThatThrownBy(() -> index.getOrCreate(b)).isInstanceOf(StorageException.class)
                    .hasMessageContaining(dir.resolve(ChronicleSeriesIndex.LABELS_FILE).toString());
            files.isDiskFull = false;
            assertThat(index.size()).isEqualTo(1);
            assertThat(index.getOrCreate(b)).isEqualTo(2);
            assertThat(index.getOrCreate(a)).isEqualTo(1);
        }
        assertReopenedHoldsTwoSeriesRetriedAsId2(b);
    }

    @Test
    void aMapEntryWhoseLabelsRecordACrashCutOffNeverMergesTwoSeries() throws IOException {
        Labels a = Labels.of("n", "a");
        Labels lost = Labels.of("n", "lost");
        Labels other = Labels.of("n", "other");
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            assertThat(index.getOrCreate(a)).isEqualTo(1);
        }
        // What a kill between the map insert and the labels append leaves: id 2 in the map, no record 2.
        try (var map = ChronicleSeriesIndex.mapBuilder(100).createPersistedTo(dir.resolve(ChronicleSeriesIndex.MAP_FILE).toFile())) {
            map.put(SeriesKeyHash.SHA_256.key(LabelsCodec.toBytes(lost), 0), 2);
        }
        Files.delete(dir.resolve(ChronicleSeriesIndex.CLEAN_MARKER));

        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            assertThat(index.size()).isEqualTo(1);
            assertThat(index.getOrCreate(other)).isEqualTo(2);
            assertThat(index.getOrCreate(lost)).isEqualTo(3);
            assertThat(index.getOrCreate(other)).isEqualTo(2);
            assertThat(index.labels(2)).isEqualTo(other);
            assertThat(index.labels(3)).isEqualTo(lost);
        }
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            assertThat(index.getOrCreate(lost)).isEqualTo(3);
            assertThat(index.getOrCreate(other)).isEqualTo(2);
            assertThat(index.getOrCreate(a)).isEqualTo(1);
            assertThat(index.size()).isEqualTo(3);
        }
    }

    /** After a failed registration and a retry: two series, the retried one once, as id 2. */
    private void assertReopenedHoldsTwoSeriesRetriedAsId2(Labels retried) {
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            assertThat(index.size()).isEqualTo(2);
            assertThat(index.labels(2)).isEqualTo(retried);
            assertThat(index.getOrCreate(retried)).isEqualTo(2);
        }
    }

    /** Fails every write with ENOSPC while {@link #isDiskFull}. */
    private static final class DiskFullFiles extends io.sightline.storage.io.ForwardingFileFacade {
        volatile boolean isDiskFull;

        @Override
        public void writeFully(FileChannel channel, java.nio.ByteBuffer src) throws IOException {
            if (isDiskFull) {
                throw new IOException("No space left on device");
            }
            super.writeFully(channel, src);
        }
    }
}
