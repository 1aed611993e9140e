package io.sightline.storage.index;

import io.sightline.storage.StorageException;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.ForwardingFileFacade;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ChronicleSeriesIndex#getOrCreateAll}: a batch registered under one lock hold and one labels-file write. */
class SeriesRegistryBatchTest {
    @TempDir
    Path dir;

    private final TaggedAllocator allocator = new TaggedAllocator(DefaultFileFacade.INSTANCE);

    private static Labels n(String v) {
        return Labels.of("__name__", "m", "n", v);
    }

    @Test
    void aBatchGivesNewSeriesTheNextIdsInOrderAndFindsKnownAndRepeatedOnes() {
        Labels a = n("a");
        Labels b = n("b");
        Labels c = n("c");
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            assertThat(index.getOrCreate(a)).isEqualTo(1);
            Labels[] batch = {b, a, null, c, b};
            int[] ids = {0, 0, -7, 0, 0};
            index.getOrCreateAll(batch, 0, batch.length, ids);
            assertThat(ids).containsExactly(2, 1, -7, 3, 2);
            assertThat(index.size()).isEqualTo(3);
        }
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            assertThat(index.labels(2)).isEqualTo(b);
            assertThat(index.labels(3)).isEqualTo(c);
            assertThat(index.getOrCreate(c)).isEqualTo(3);
            assertThat(index.getOrCreate(n("d"))).isEqualTo(4);
        }
    }

    @Test
    void aBatchLargerThanOneLockHoldKeepsIdsDenseAcrossItsParts() throws IOException {
        int count = ChronicleSeriesIndex.MAX_BATCH * 2 + 17;
        Labels[] batch = new Labels[count];
        for (int i = 0; i < count; i++) {
            batch[i] = n(Integer.toString(i));
        }
        int[] ids = new int[count];
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 10_000, allocator)) {
            index.getOrCreateAll(batch, 0, count, ids);
        }
        Files.delete(dir.resolve(ChronicleSeriesIndex.MAP_FILE)); // rebuilt from the labels file alone
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 10_000, allocator)) {
            for (int i = 0; i < count; i++) {
                assertThat(ids[i]).isEqualTo(i + 1);
                assertThat(index.labels(i + 1)).isEqualTo(batch[i]);
                assertThat(index.getOrCreate(batch[i])).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void aFullRegistryGivesTheRestOfABatchFullButStillFindsKnownSeries() {
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 3, allocator)) {
            assertThat(index.getOrCreate(n("known"))).isEqualTo(1);
            Labels[] batch = {n("x"), n("y"), n("z"), n("known"), n("y")};
            int[] ids = new int[batch.length];
            index.getOrCreateAll(batch, 0, batch.length, ids);
            assertThat(ids).containsExactly(2, 3, SeriesIndex.FULL, 1, 3);
        }
    }

    @Test
    void labelSetsWhoseKeysCollideInsideOneBatchGetTheirOwnIds() throws IOException {
        SeriesKeyHash colliding = (canonical, salt) ->
                salt == 0 ? new byte[SeriesKeyHash.BYTES] : SeriesKeyHash.SHA_256.key(canonical, salt);
        Labels[] batch = {n("a"), n("b"), n("c"), n("b"), n("a")};
        int[] ids = new int[batch.length];
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator, colliding)) {
            index.getOrCreateAll(batch, 0, batch.length, ids);
            assertThat(ids).containsExactly(1, 2, 3, 2, 1);
        }
        Files.delete(dir.resolve(ChronicleSeriesIndex.MAP_FILE));
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator, colliding)) {
            assertThat(index.getOrCreate(n("c"))).isEqualTo(3);
            assertThat(index.getOrCreate(n("a"))).isEqualTo(1);
            assertThat(index.getOrCreate(n("b"))).isEqualTo(2);
        }
    }

    @Test
    void aFailedLabelsWriteRegistersNoneOfTheBatchSoItsSeriesGetTheirIdsOnTheRetry() {
        DiskFullFiles files = new DiskFullFiles();
        Labels[] batch = {n("b"), n("a"), n("c")};
        int[] ids = new int[batch.length];
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, new TaggedAllocator(files))) {
            assertThat(index.getOrCreate(n("a"))).isEqualTo(1);
            files.isDiskFull.set(true);
            assertThatThrownBy(() -> index.getOrCreateAll(batch, 0, batch.length, ids))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining(dir.resolve(ChronicleSeriesIndex.LABELS_FILE).toString())
                    .hasMessageContaining("No space left on device");
            files.isDiskFull.set(false);
            assertThat(index.size()).isEqualTo(1);
            index.getOrCreateAll(batch, 0, batch.length, ids);
            assertThat(ids).containsExactly(2, 1, 3);
        }
        assertReopenedHolds(n("a"), n("b"), n("c"));
    }

    @Test
    void aMapInsertFailingMidBatchTakesBackTheEntriesInsertedBeforeIt() throws IOException {
        // Every label set collides at salt 0; salt 1 of "b" fails as Chronicle does when it cannot grow the map.
        AtomicBoolean isMapFull = new AtomicBoolean(true);
        byte[] b = LabelsCodec.toBytes(n("b"));
        SeriesKeyHash failing = (canonical, salt) -> {
            if (salt == 0) {
                return new byte[SeriesKeyHash.BYTES];
            }
            if (isMapFull.get() && java.util.Arrays.equals(canonical, b)) {
                throw new IllegalStateException("injected: cannot allocate a tier");
            }
            return SeriesKeyHash.SHA_256.key(canonical, salt);
        };
        Labels[] batch = {n("a"), n("b")};
        int[] ids = new int[batch.length];
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator, failing)) {
            assertThatThrownBy(() -> index.getOrCreateAll(batch, 0, batch.length, ids))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining(dir.resolve(ChronicleSeriesIndex.MAP_FILE).toString());
            assertThat(index.size()).isZero();
        }
        try (var map = ChronicleSeriesIndex.mapBuilder(100).createPersistedTo(dir.resolve(ChronicleSeriesIndex.MAP_FILE).toFile())) {
            assertThat(map.size()).as("the entry of \"a\", inserted before \"b\" failed, is taken back").isZero();
        }
        isMapFull.set(false);
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator, failing)) {
            index.getOrCreateAll(batch, 0, batch.length, ids);
            assertThat(ids).containsExactly(1, 2);
        }
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator, failing)) {
            assertThat(index.size()).isEqualTo(2);
            assertThat(index.getOrCreate(n("b"))).isEqualTo(2);
            assertThat(index.getOrCreate(n("a"))).isEqualTo(1);
        }
    }

    @Test
    void aBatchWhoseRecordsAKillCutOffLeavesEntriesThatNeverMergeTwoSeries() throws IOException {
        Labels[] batch = {n("1"), n("2"), n("3"), n("4"), n("5")};
        int[] ids = new int[batch.length];
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            index.getOrCreateAll(batch, 0, batch.length, ids);
        }
        // A kill during the batch's one write: the map has ids 1..5, the file records 1..3 and part of 4.
        Path labels = dir.resolve(ChronicleSeriesIndex.LABELS_FILE);
        long withThree;
        try (LabelsFile f = LabelsFile.open(labels, allocator)) {
            withThree = f.offsetOf(4);
        }
        try (FileChannel ch = FileChannel.open(labels, StandardOpenOption.WRITE)) {
            ch.truncate(withThree + 5);
        }
        Files.delete(dir.resolve(ChronicleSeriesIndex.CLEAN_MARKER));

        Labels other = n("other");
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            assertThat(index.size()).isEqualTo(3);
            assertThat(index.getOrCreate(batch[2])).isEqualTo(3);
            // Id 4's and 5's map entries have no records: the next series take those ids, the cut ones move on.
            int[] again = new int[3];
            index.getOrCreateAll(new Labels[]{other, batch[4], batch[3]}, 0, 3, again);
            assertThat(again).containsExactly(4, 5, 6);
            assertThat(index.labels(4)).isEqualTo(other);
            assertThat(index.labels(5)).isEqualTo(batch[4]);
            assertThat(index.labels(6)).isEqualTo(batch[3]);
        }
        assertReopenedHolds(batch[0], batch[1], batch[2], other, batch[4], batch[3]);
        Files.delete(dir.resolve(ChronicleSeriesIndex.MAP_FILE));
        assertReopenedHolds(batch[0], batch[1], batch[2], other, batch[4], batch[3]);
    }

    /** The registry in {@link #dir} holds exactly these series, as ids 1.. in this order. */
    private void assertReopenedHolds(Labels... series) {
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 100, allocator)) {
            assertThat(index.size()).isEqualTo(series.length);
            for (int i = 0; i < series.length; i++) {
                assertThat(index.labels(i + 1)).isEqualTo(series[i]);
                assertThat(index.getOrCreate(series[i])).isEqualTo(i + 1);
            }
            assertThat(index.size()).isEqualTo(series.length);
        }
    }

    /** Fails every write with ENOSPC while {@link #isDiskFull}. */
    /** Files whose writes fail as on a full disk while {@link #isDiskFull} is set (also used by {@link LabelsFileTest}). */
    static final class DiskFullFiles extends ForwardingFileFacade {
        final AtomicBoolean isDiskFull = new AtomicBoolean();

        @Override
        public void writeFully(FileChannel channel, ByteBuffer src) throws IOException {
            if (isDiskFull.get()) {
                throw new IOException("No space left on device");
            }
            super.writeFully(channel, src);
        }
    }

    @Test
    void twoThreadsRegisteringAtOnceNeverMixTheirLabels() throws Exception {
        // Each thread encodes, hashes and records through per-thread and per-lock reused buffers: a mixed-up
        // buffer would give an id another thread's labels, or two label sets one id.
        int perThread = 3 * ChronicleSeriesIndex.MAX_BATCH + 5;
        Labels[][] batches = new Labels[2][perThread];
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < perThread; i++) {
                // Shared and differing labels of varied lengths, so records code against bases of either thread.
                batches[t][i] = Labels.of("__name__", "m", "instance", "host-" + (i % 37), "n", "t" + t + "-" + i,
                        "z", "x".repeat(i % 5));
            }
        }
        int[][] ids = new int[2][perThread];
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 4 * perThread, allocator)) {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            Thread[] threads = new Thread[2];
            Throwable[] failures = new Throwable[2];
            for (int t = 0; t < 2; t++) {
                int me = t;
                threads[t] = new Thread(() -> {
                    try {
                        start.await();
                        for (int from = 0; from < perThread; from += 100) {
                            int to = Math.min(perThread, from + 100);
                            index.getOrCreateAll(batches[me], from, to, ids[me]);
                        }
                    } catch (Throwable e) {
                        failures[me] = e;
                    }
                });
                threads[t].start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(failures).containsOnlyNulls();
            checkRegistered(index, batches, ids);
        }
        try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, 4 * perThread, allocator)) {
            checkRegistered(index, batches, ids);
        }
    }

    private static void checkRegistered(ChronicleSeriesIndex index, Labels[][] batches, int[][] ids) {
        assertThat(index.size()).isEqualTo(2 * batches[0].length);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int t = 0; t < batches.length; t++) {
            for (int i = 0; i < batches[t].length; i++) {
                assertThat(index.labels(ids[t][i])).as("thread %d series %d", t, i).isEqualTo(batches[t][i]);
                assertThat(index.getOrCreate(batches[t][i])).isEqualTo(ids[t][i]);
                assertThat(seen.add(ids[t][i])).as("id %d given twice", ids[t][i]).isTrue();
            }
        }
    }
}
