package io.sightline.storage.block;

import io.sightline.storage.StorageException;
import io.sightline.storage.chunk.ChunkEncoder;
import io.sightline.storage.index.SampleBuffer;
import io.sightline.storage.index.SeriesChunks;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.TaggedAllocator;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Block files of version 1 (a fixture written by the version-1 writer, src/test/resources/block/v1) stay
 * readable, compaction turns them into version 2 with the same samples, and version 2 reads back what was
 * written.
 */
class BlockFormatVersionTest {
    private static final Path V1_FIXTURE = Path.of("src/test/resources/block/v1/01KAVK0ZM09QG0K2V3QJTEFSTJ");
    private static final long MIN_TIME = 1_764_000_000_000L;
    private static final int[] IDS = {1, 5, 7};
    private static final Labels[] LABELS = {Labels.of("__name__", "up", "job", "a"), Labels.of("__name__", "up", "job", "b"),
            Labels.of("__name__", "x_bucket", "le", "0.5", "job", "a")};

    @TempDir
    Path dir;

    private final TaggedAllocator allocator = new TaggedAllocator(DefaultFileFacade.INSTANCE);

    @Test
    void aVersion1BlockWrittenByTheOldWriterIsReadByThisBuild() throws IOException {
        Path block = copyOfFixture();
        assertThat(Files.readAllBytes(block.resolve(BlockFormat.INDEX))[4]).isEqualTo((byte) 1);
        BlockReader r = BlockReader.open(block, allocator);
        try {
            checkContent(r);
        } finally {
            r.release();
        }
    }

    @Test
    void compactingAVersion1BlockWritesVersion2WithTheSameSamplesInFewerBytes() throws IOException {
        Path v1 = copyOfFixture();
        BlockReader old = BlockReader.open(v1, allocator);
        Path blocks = dir.resolve("blocks");
        Files.createDirectories(blocks);
        BlockMeta meta;
        try {
            List<BlockSeries> series = new ArrayList<>();
            for (int i = 0; i < IDS.length; i++) {
                series.add(new BlockSeries(IDS[i], old.labels(IDS[i]), old.chunkSlices(IDS[i])));
            }
            meta = BlockWriter.write(blocks, allocator, old.meta().minTime(), old.meta().maxTime(), 2,
                    List.of(old.meta().ulid()), series, MIN_TIME + 10_000_000);
        } finally {
            old.release();
        }
        Path v2 = blocks.resolve(meta.ulid());
        assertThat(Files.readAllBytes(v2.resolve(BlockFormat.INDEX))[4]).isEqualTo((byte) 2);
        assertThat(Files.readAllBytes(v2.resolve(BlockFormat.CHUNKS))[4]).isEqualTo((byte) 2);
        assertThat(meta.samples()).isEqualTo(600);
        assertThat(meta.chunks()).isEqualTo(6);
        // per chunk 7-10 header bytes less; per series 8 table bytes and ~5 bytes of absolute time less
        assertThat(Files.size(v2.resolve(BlockFormat.CHUNKS))).isLessThanOrEqualTo(Files.size(v1.resolve(BlockFormat.CHUNKS)) - 6 * 9);
        assertThat(Files.size(v2.resolve(BlockFormat.INDEX))).isLessThanOrEqualTo(Files.size(v1.resolve(BlockFormat.INDEX)) - 3 * 12);

        BlockReader r = BlockReader.open(v2, allocator);
        try {
            checkContent(r);
            // and its chunks copy into another version-2 block unchanged
            List<BlockSeries> series = new ArrayList<>();
            for (int i = 0; i < IDS.length; i++) {
                series.add(new BlockSeries(IDS[i], r.labels(IDS[i]), r.chunkSlices(IDS[i])));
            }
            BlockMeta again = BlockWriter.write(blocks, allocator, r.meta().minTime(), r.meta().maxTime(), 3,
                    List.of(r.meta().ulid()), series, MIN_TIME + 20_000_000);
            assertThat(Files.readAllBytes(blocks.resolve(again.ulid()).resolve(BlockFormat.CHUNKS)))
                    .isEqualTo(Files.readAllBytes(v2.resolve(BlockFormat.CHUNKS)));
            BlockReader copy = BlockReader.open(blocks.resolve(again.ulid()), allocator);
            try {
                checkContent(copy);
            } finally {
                copy.release();
            }
        } finally {
            r.release();
        }
    }

    @Test
    void aChunkOfAVersion2BlockDoesNotDecodeWithoutItsTimeRangeFromTheIndex() {
        ChunkEncoder e = new ChunkEncoder();
        for (int i = 0; i < 10; i++) {
            e.append(MIN_TIME + i * 15_000L, i);
        }
        byte[] v1 = e.encode();
        Path blocks = dir.resolve("blocks");
        BlockMeta meta = BlockWriter.write(blocks, allocator, MIN_TIME, MIN_TIME + 7_200_000, 1, List.of(),
                List.of(new BlockSeries(3, Labels.of("n", "v"), List.of(ChunkSlice.of(MIN_TIME, MIN_TIME + 9 * 15_000L, v1)))),
                MIN_TIME);
        BlockReader r = BlockReader.open(blocks.resolve(meta.ulid()), allocator);
        try {
            ChunkSlice c = r.chunkSlices(3).getFirst();
            assertThat(c.length()).isLessThan(v1.length);
            SampleBuffer b = new SampleBuffer();
            assertThatThrownBy(() -> b.decode(c.data(), c.offset(), c.length()))
                    .isInstanceOf(StorageException.class).hasMessageContaining("block index");
            b.decode(c.data(), c.offset(), c.length(), c.minTime(), c.maxTime());
            assertThat(b.count).isEqualTo(10);
            assertThat(b.timestamps[9]).isEqualTo(MIN_TIME + 9 * 15_000L);
            assertThat(b.values[9]).isEqualTo(9.0);
        } finally {
            r.release();
        }
    }

    @Test
    void aChunkWhoseHeaderDisagreesWithItsTimeRangeIsRefusedWhenABlockIsWritten() {
        ChunkEncoder e = new ChunkEncoder();
        e.append(MIN_TIME, 1);
        e.append(MIN_TIME + 15_000, 2);
        byte[] v1 = e.encode();
        assertThatThrownBy(() -> BlockWriter.write(dir, allocator, MIN_TIME, MIN_TIME + 7_200_000, 1, List.of(),
                List.of(new BlockSeries(3, Labels.of("n", "v"), List.of(ChunkSlice.of(MIN_TIME, MIN_TIME + 30_000, v1)))), MIN_TIME))
                .isInstanceOf(StorageException.class).hasMessageContaining("time range");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
    }

    private void checkContent(BlockReader r) {
        assertThat(r.meta().minTime()).isEqualTo(MIN_TIME);
        for (int s = 0; s < IDS.length; s++) {
            assertThat(r.labels(IDS[s])).isEqualTo(LABELS[s]);
            SeriesChunks chunks = r.chunks(IDS[s], Long.MIN_VALUE / 2, Long.MAX_VALUE / 2, new SampleBuffer());
            assertThat(chunks.chunkCount()).isEqualTo(s + 1);
            SampleBuffer b = new SampleBuffer();
            for (int c = 0; c <= s; c++) {
                chunks.decode(c, b);
                assertThat(b.count).isEqualTo(100);
                long first = MIN_TIME + c * 1_800_000L;
                assertThat(chunks.minTime(c)).isEqualTo(first);
                for (int i = 0; i < 100; i++) {
                    // the data the fixture was generated with
                    assertThat(b.timestamps[i]).isEqualTo(first + i * 15_000L + (s == 2 ? (i * 7) % 13 : 0));
                    assertThat(b.values[i]).isEqualTo(s == 1 ? Math.sin(i) : i * (s + 1) * 0.25);
                }
            }
        }
        assertThat(r.labels(2)).isNull();
        assertThat(r.chunks(2, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2, new SampleBuffer())).isNull();
        assertThat(r.chunks(8, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2, new SampleBuffer())).isNull();
        assertThat(r.index().postingsMatching("job", Matcher.eq("job", "a"), false).toArray()).containsExactly(1, 7);
        assertThat(r.index().allPostings().toArray()).containsExactly(IDS);
    }

    private Path copyOfFixture() throws IOException {
        Path to = dir.resolve("v1").resolve(V1_FIXTURE.getFileName());
        Files.createDirectories(to);
        for (String f : new String[] {BlockFormat.META, BlockFormat.INDEX, BlockFormat.CHUNKS}) {
            Files.copy(V1_FIXTURE.resolve(f), to.resolve(f));
        }
        return to;
    }
}
