package io.sightline.storage.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.Appender;
import io.sightline.storage.Querier;
import io.sightline.storage.RejectReason;
import io.sightline.storage.SampleIterator;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.block.BlockReader;
import io.sightline.storage.StorageException;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import io.sightline.storage.model.MetricMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Blocks: cut policy, WAL truncation, retention, reference counting, corruption reports. */
class BlockLifecycleTest {
    private static final long HOUR = 3_600_000;
    private static final long STEP = 15_000;

    @TempDir
    Path dir;

    private StorageConfig config(long retention) {
        return new StorageConfig(dir, 2 * HOUR, retention, WalSyncMode.NEVER, 1_000, 1 << 20, 0, 10_000);
    }

    private StorageEngine open(long retention) {
        return StorageEngine.open(config(retention), OpenTelemetry.noop().getMeter("test"), DefaultFileFacade.INSTANCE, false);
    }

    @Test
    void headIsCutOnceItSpansMoreThanOneAndAHalfBlocksAndKeepsTheNewestPart() {
        try (StorageEngine s = open(100 * HOUR)) {
            write(s, 0, 3 * HOUR, 10);
            assertThat(s.cutBlocks()).isZero();
            write(s, 3 * HOUR, 3 * HOUR + 2 * STEP, 10);
            assertThat(s.cutBlocks()).isEqualTo(1);

            assertThat(s.stats().blocks()).isEqualTo(1);
            assertThat(s.stats().headMinTimeMillis()).isEqualTo(2 * HOUR);
            assertThat(count(s, 0, 4 * HOUR)).isEqualTo(10 * ((3 * HOUR + 2 * STEP) / STEP));
            Appender a = s.appender();
            assertThat(a.append(Appender.NO_REF, Labels.of("__name__", "m", "i", "0"), 2 * HOUR - 1, 1))
                    .isEqualTo(RejectReason.OUT_OF_BOUNDS.code());
            a.rollback();
        }
    }

    @Test
    void walSegmentsCoveredByBlocksAreDeletedAndRestartKeepsEverything() throws IOException {
        long end;
        try (StorageEngine s = open(100 * HOUR)) {
            Appender meta = s.appender();
            meta.updateMetadata("m", new MetricMetadata("gauge", "Written once, in the first segment.", ""));
            meta.commit();
            end = 8 * HOUR;
            for (long t = 0; t < end; t += HOUR) {
                write(s, t, t + HOUR, 200);
                s.cutBlocks();
            }
            assertThat(s.stats().blocks()).isGreaterThanOrEqualTo(2);
            assertThat(walBytes()).isLessThan(segmentsWritten() * (1L << 20));
        }
        try (StorageEngine s = open(100 * HOUR)) {
            assertThat(count(s, 0, end)).isEqualTo(200 * (end / STEP));
            assertThat(s.stats().blocks()).isGreaterThanOrEqualTo(2);
            assertThat(s.metadata("m", 0).get("m")).extracting(MetricMetadata::help)
                    .containsExactly("Written once, in the first segment.");
        }
    }

    @Test
    void adjacentBlocksOfACompleteRangeAreCompactedIntoOneThatSurvivesRestart() throws IOException {
        try (StorageEngine s = open(100 * HOUR)) {
            write(s, 0, 8 * HOUR, 20);
            assertThat(s.cutBlocks()).isEqualTo(3); // [0,2h) [2h,4h) [4h,6h); the head keeps [6h,8h)
            assertThat(s.compactBlocks()).isEqualTo(1);
            assertThat(s.stats().blocks()).isEqualTo(1);
            assertThat(count(s, 0, 8 * HOUR)).isEqualTo(20 * (8 * HOUR / STEP));
        }
        assertThat(Files.readString(onlyBlock().resolve("meta.json")))
                .contains("\"level\": 2").contains("\"minTime\": 0").contains("\"maxTime\": " + 6 * HOUR);
        try (StorageEngine s = open(100 * HOUR)) {
            assertThat(count(s, 0, 8 * HOUR)).isEqualTo(20 * (8 * HOUR / STEP));
        }
    }

    @Test
    void sourcesACrashLeftBesideTheirCompactedBlockAreRemovedAtOpenAndNotReadTwice() throws IOException {
        Path saved = dir.resolveSibling(dir.getFileName() + "-sources");
        try (StorageEngine s = open(1000 * HOUR)) {
            write(s, 0, 20 * HOUR, 5);
            s.cutBlocks(); // nine 2 h blocks
            for (Path b : list("metrics")) { // what a crash after the merged block's rename leaves: the sources too
                copyTree(b, saved.resolve(b.getFileName()));
            }
            assertThat(s.compactBlocks()).isEqualTo(4); // 3 x [6 h] then [0, 18 h)
            assertThat(s.stats().blocks()).isEqualTo(1);
        }
        Path merged = onlyBlock();
        try (Stream<Path> sources = Files.list(saved)) {
            for (Path b : sources.toList()) {
                copyTree(b, dir.resolve("metrics").resolve(b.getFileName()));
            }
        }
        try (StorageEngine s = open(1000 * HOUR)) {
            assertThat(s.stats().blocks()).isEqualTo(1);
            assertThat(count(s, 0, 20 * HOUR)).isEqualTo(5 * (20 * HOUR / STEP));
        }
        assertThat(onlyBlock()).isEqualTo(merged);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    @Test
    void retentionBySizeDeletesTheOldestBlocksWhileBlocksWalAndHeadChunksTogetherPassTheLimit() throws IOException {
        // A twin store without a limit measures what the same writes occupy: four blocks, the WAL, the head chunks.
        Path twin = dir.resolve("twin");
        long others;
        List<Long> newestFirst;
        try (StorageEngine s = StorageEngine.open(new StorageConfig(twin, 2 * HOUR, 100 * HOUR, WalSyncMode.NEVER, 1_000,
                1 << 20, 0, 10_000), OpenTelemetry.noop().getMeter("test"), DefaultFileFacade.INSTANCE, false)) {
            write(s, 0, 10 * HOUR, 20);
            assertThat(s.cutBlocks()).isEqualTo(4);
            others = directoryBytes(twin.resolve("wal")) + s.head().chunkFiles().bytesOnDisk();
            newestFirst = s.blocks().all().stream().sorted(java.util.Comparator.comparingLong(BlockReader::maxTime).reversed())
                    .map(BlockReader::bytes).toList();
        }
        long limit = others + newestFirst.get(0) + newestFirst.get(1) + newestFirst.get(2) / 2;
        Path data = dir.resolve("limited");
        try (StorageEngine s = StorageEngine.open(new StorageConfig(data, 2 * HOUR, 100 * HOUR, WalSyncMode.NEVER, 1_000,
                1 << 20, 0, 10_000, limit), OpenTelemetry.noop().getMeter("test"), DefaultFileFacade.INSTANCE, false)) {
            write(s, 0, 10 * HOUR, 20);
            assertThat(s.cutBlocks()).isEqualTo(4);
            assertThat(s.applyRetention()).as("blocks deleted by size").isEqualTo(2);
            assertThat(s.blocks().all()).extracting(BlockReader::minTime).containsExactlyInAnyOrder(4 * HOUR, 6 * HOUR);
            assertThat(count(s, 0, 4 * HOUR - 1)).isZero();
            assertThat(count(s, 4 * HOUR, 10 * HOUR)).isEqualTo(20 * (6 * HOUR / STEP));
            assertThat(s.applyRetention()).as("nothing more once under the limit").isZero();
        }
        assertThat(new StorageConfig(data, 2 * HOUR, HOUR, WalSyncMode.NEVER, 1_000, 1 << 20, 0, 1).retentionBytes()).isZero();
        assertThatThrownBy(() -> new StorageConfig(data, 2 * HOUR, HOUR, WalSyncMode.NEVER, 1_000, 1 << 20, 0, 1, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("storage.retention_size");
    }

    private static long directoryBytes(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            long sum = 0;
            for (Path p : s.toList()) {
                sum += Files.size(p);
            }
            return sum;
        }
    }

    @Test
    void retentionDeletesWholeBlocksPastTheirAge() throws IOException {
        try (StorageEngine s = open(4 * HOUR)) {
            write(s, 0, 10 * HOUR, 3);
            s.cutBlocks();
            assertThat(s.stats().blocks()).isEqualTo(4);
            assertThat(s.applyRetention()).isEqualTo(2); // [0,2h) and [2h,4h) end before 10h - 4h
            assertThat(s.stats().blocks()).isEqualTo(2);
            assertThat(count(s, 0, 10 * HOUR)).isEqualTo(3 * ((10 * HOUR - 4 * HOUR) / STEP));
        }
        assertThat(list("metrics")).hasSize(2);
    }

    @Test
    void blockRetiredWhileAQuerierReadsItStaysReadableUntilTheQuerierCloses() {
        try (StorageEngine s = open(4 * HOUR)) {
            write(s, 0, 10 * HOUR, 1);
            s.cutBlocks();
            try (Querier q = s.querier(0, HOUR)) {
                assertThat(s.applyRetention()).isEqualTo(2);
                SeriesSet set = q.select(false, Matcher.eq("__name__", "m"));
                assertThat(set.next()).isTrue();
                SampleIterator it = set.at().iterator(null);
                int n = 0;
                while (it.next()) {
                    n++;
                }
                assertThat(n).isEqualTo(HOUR / STEP + 1);
            }
            try (Querier q = s.querier(0, HOUR)) {
                assertThat(q.select(false, Matcher.eq("__name__", "m")).next()).isFalse();
            }
        }
    }

    @Test
    void corruptChunkIsReportedWithFileAndOffset() throws IOException {
        try (StorageEngine s = open(100 * HOUR)) {
            write(s, 0, HOUR, 2);
            s.flushHead();
        }
        Path chunks = onlyBlock().resolve("chunks");
        flipByte(chunks, 8 + 4 + 2); // inside the first chunk, after its CRC
        try (StorageEngine s = open(100 * HOUR)) {
            assertThatThrownBy(() -> count(s, 0, HOUR))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining(chunks.toString())
                    .hasMessageContaining("at offset 8")
                    .hasMessageContaining("CRC32C");
        }
    }

    @Test
    void aBlockWithAFlippedIndexByteIsMovedAsideAtOpenAndTheOtherBlocksAreServed() throws IOException {
        aDamagedBlockIsMovedAsideAndTheOtherIsServed(block -> flipByte(block.resolve("index"), 12));
    }

    @Test
    void aBlockWithATruncatedChunksFileIsMovedAsideAtOpen() throws IOException {
        aDamagedBlockIsMovedAsideAndTheOtherIsServed(block -> truncateBy(block.resolve("chunks"), 1));
    }

    @Test
    void aBlockWithAGarbledMetaFileIsMovedAsideAtOpen() throws IOException {
        aDamagedBlockIsMovedAsideAndTheOtherIsServed(block -> Files.writeString(block.resolve("meta.json"), "{\"version\": 1, \"ulid\""));
    }

    @Test
    void aBlockMissingItsIndexFileIsMovedAsideAtOpen() throws IOException {
        aDamagedBlockIsMovedAsideAndTheOtherIsServed(block -> Files.delete(block.resolve("index")));
    }

    @Test
    void aTruncatedChunksFileOfACompactedBlockIsFoundAtOpen() throws IOException {
        try (StorageEngine s = open(100 * HOUR)) {
            write(s, 0, 8 * HOUR, 20);
            s.cutBlocks();
            assertThat(s.compactBlocks()).isEqualTo(1);
        }
        Path block = onlyBlock();
        truncateBy(block.resolve("chunks"), 1);
        try (StorageEngine s = open(100 * HOUR)) {
            assertThat(s.blocks().damagedAtOpen()).isEqualTo(1);
            assertThat(s.stats().blocks()).isZero();
            assertThat(count(s, 6 * HOUR, 8 * HOUR)).as("the head's samples").isEqualTo(20 * (2 * HOUR / STEP));
        }
        assertThat(block.resolveSibling(block.getFileName() + ".damaged")).isDirectory();
    }

    @Test
    void aBlockOfANewerFormatStopsTheOpenAndIsLeftInPlace() throws IOException {
        try (StorageEngine s = open(100 * HOUR)) {
            write(s, 0, HOUR, 2);
            s.flushHead();
        }
        Path block = onlyBlock();
        try (FileChannel ch = FileChannel.open(block.resolve("index"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[]{99}), 4); // the header's version byte
        }
        assertThatThrownBy(() -> open(100 * HOUR)).isInstanceOf(StorageException.class)
                .isNotInstanceOf(io.sightline.storage.DamagedDataException.class)
                .hasMessageContaining("newer Sightline").hasMessageContaining(block.toString());
        assertThat(block).isDirectory();
    }

    interface Damage {
        void apply(Path blockDir) throws IOException;
    }

    /** Two blocks, the older one damaged: the store opens, serves the newer one, and has moved the older aside. */
    private void aDamagedBlockIsMovedAsideAndTheOtherIsServed(Damage damage) throws IOException {
        try (StorageEngine s = open(100 * HOUR)) {
            write(s, 0, HOUR, 2);
            s.flushHead();
            write(s, 4 * HOUR, 5 * HOUR, 2);
            s.flushHead();
        }
        List<Path> blocks = list("metrics").stream().sorted().toList();
        assertThat(blocks).hasSize(2);
        Path damaged = blocks.getFirst();
        damage.apply(damaged);
        try (StorageEngine s = open(100 * HOUR)) {
            assertThat(s.blocks().damagedAtOpen()).isEqualTo(1);
            assertThat(s.stats().blocks()).isEqualTo(1);
            assertThat(count(s, 0, 2 * HOUR)).isZero();
            assertThat(count(s, 4 * HOUR, 5 * HOUR)).isEqualTo(2 * (HOUR / STEP));
            write(s, 6 * HOUR, 7 * HOUR, 2); // and it takes writes
        }
        assertThat(damaged).doesNotExist();
        assertThat(damaged.resolveSibling(damaged.getFileName() + ".damaged")).isDirectory();
        try (StorageEngine s = open(100 * HOUR)) {
            assertThat(s.blocks().damagedAtOpen()).isZero();
            assertThat(count(s, 0, 8 * HOUR)).isEqualTo(2 * (2 * HOUR / STEP));
        }
    }

    private static void truncateBy(Path file, long bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - bytes);
        }
    }

    @Test
    void closingTheStoreReleasesEveryMappedAndOffHeapByte() {
        StorageEngine s = open(4 * HOUR);
        write(s, 0, 10 * HOUR, 5);
        s.cutBlocks();
        s.compactBlocks();
        try (Querier q = s.querier(0, 10 * HOUR)) {
            q.select(false, Matcher.eq("__name__", "m")).next();
        }
        s.applyRetention();
        assertThat(s.allocator().bytes(MemoryTag.CHUNK) + s.allocator().bytes(MemoryTag.INDEX)).isPositive();
        s.close();
        for (MemoryTag tag : MemoryTag.values()) {
            assertThat(s.allocator().bytes(tag)).as(tag.name()).isZero();
        }
    }

    @Test
    void interruptedBlockWriteLeftoverIsRemovedAtOpen() throws IOException {
        Files.createDirectories(dir.resolve("metrics/01ARZ3NDEKTSV4RRFFQ69G5FAV.tmp"));
        Files.writeString(dir.resolve("metrics/01ARZ3NDEKTSV4RRFFQ69G5FAV.tmp/index"), "half");
        try (StorageEngine s = open(100 * HOUR)) {
            assertThat(s.stats().blocks()).isZero();
        }
        assertThat(dir.resolve("metrics/01ARZ3NDEKTSV4RRFFQ69G5FAV.tmp")).doesNotExist();
    }

    /** {@code series} series {@code m{i="k"}} with value t/1000 every 15 s in [from, to). */
    private static void write(Storage s, long from, long to, int series) {
        Appender a = s.appender();
        long[] refs = new long[series];
        for (long t = from; t < to; t += STEP) {
            for (int i = 0; i < series; i++) {
                refs[i] = a.append(refs[i], Labels.of("__name__", "m", "i", Integer.toString(i)), t, t / 1000.0);
                assertThat(refs[i]).isPositive();
            }
        }
        a.commit();
    }

    /** Samples in [mint, maxt], checking each value. */
    private static long count(Storage s, long mint, long maxt) {
        long n = 0;
        try (Querier q = s.querier(mint, maxt)) {
            SeriesSet set = q.select(false, Matcher.eq("__name__", "m"));
            SampleIterator it = null;
            while (set.next()) {
                it = set.at().iterator(it);
                long prev = Long.MIN_VALUE;
                while (it.next()) {
                    assertThat(it.timestamp()).isGreaterThan(prev).isBetween(mint, maxt);
                    assertThat(it.value()).isEqualTo(it.timestamp() / 1000.0);
                    prev = it.timestamp();
                    n++;
                }
            }
        }
        return n;
    }

    private long walBytes() throws IOException {
        long sum = 0;
        for (Path p : list("wal")) {
            sum += Files.size(p);
        }
        return sum;
    }

    /** The highest segment number ever used: how many segments were written. */
    private long segmentsWritten() throws IOException {
        return list("wal").stream().mapToInt(p -> Integer.parseInt(p.getFileName().toString())).max().orElse(0);
    }

    private Path onlyBlock() throws IOException {
        List<Path> blocks = list("metrics");
        assertThat(blocks).hasSize(1);
        return blocks.getFirst();
    }

    private List<Path> list(String subdir) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(subdir))) {
            return s.toList();
        }
    }

    private static void flipByte(Path file, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x01)).rewind();
            ch.write(b, at);
        }
    }
}
