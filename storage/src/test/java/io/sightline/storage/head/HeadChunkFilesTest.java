package io.sightline.storage.head;

import io.sightline.storage.Appender;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.block.BlockSeries;
import io.sightline.storage.block.ChunkSlice;
import io.sightline.storage.index.ChronicleSeriesIndex;
import io.sightline.storage.index.SampleBuffer;
import io.sightline.storage.index.SeriesChunks;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The head's sealed chunks in files: written, read back, dropped with their segments, kept on the heap on failure. */
class HeadChunkFilesTest {
    private static final long HOUR = 3_600_000;
    private static final long STEP = 15_000;
    private static final int SERIES = 20;
    /** Five chunks of 120 samples per series: four sealed, one open. */
    private static final int SAMPLES = 600;

    @TempDir
    Path dir;

    private final AtomicBoolean isWriteFailing = new AtomicBoolean();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Head head;
    private HeadChunkFiles files;
    private final long[] refs = new long[SERIES];

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    /**
     * A head with chunk files in {@link #dir} whose segments (4 KiB) are smaller than one round's seals (20 chunks
     * of a few hundred bytes, one write): each round that seals gets a segment of its own.
     */
    private void openHead(long retryAfterNanos) {
        TaggedAllocator allocator = new TaggedAllocator(DefaultFileFacade.INSTANCE);
        StorageConfig config = new StorageConfig(dir, 2 * HOUR, 100 * HOUR, WalSyncMode.NEVER, 1_000, 1 << 20, 2 * HOUR, 10_000);
        ChronicleSeriesIndex registry = ChronicleSeriesIndex.open(dir.resolve("index"), 10_000, allocator);
        toClose.add(registry);
        files = HeadChunkFiles.open(dir, new TaggedAllocator(failingWrites(DefaultFileFacade.INSTANCE)), 4 << 10,
                retryAfterNanos);
        head = new Head(config, registry, HeadLog.NONE, files);
        toClose.add(head);
    }

    /** Writes rounds {@code [from, to)} of every series, one commit per round. */
    private void write(int from, int to) {
        for (int round = from; round < to; round++) {
            Appender a = head.appender();
            for (int s = 0; s < SERIES; s++) {
                refs[s] = a.append(refs[s], labels(s), round * STEP, value(s, round));
            }
            a.commit();
        }
    }

    private static Labels labels(int s) {
        return Labels.of("__name__", "m", "series", Integer.toString(s));
    }

    private static double value(int s, int round) {
        return s * 1_000 + round * 0.25 + (round % 7 == 0 ? Math.PI : 0);
    }

    /** Every sample of series {@code s} in {@code [mint, maxt]} as the head answers a query. */
    private List<double[]> read(int s, long mint, long maxt) {
        List<double[]> out = new ArrayList<>();
        SeriesChunks chunks = head.chunks((int) refs[s], mint, maxt, new SampleBuffer());
        if (chunks == null) {
            return out;
        }
        SampleBuffer b = new SampleBuffer();
        for (int c = 0; c < chunks.chunkCount(); c++) {
            chunks.decode(c, b);
            for (int i = 0; i < b.count; i++) {
                if (b.timestamps[i] >= mint && b.timestamps[i] <= maxt) {
                    out.add(new double[] {b.timestamps[i], b.values[i]});
                }
            }
        }
        return out;
    }

    private static List<double[]> expected(int s, int fromRound, int toRound) {
        List<double[]> out = new ArrayList<>();
        for (int round = fromRound; round < toRound; round++) {
            out.add(new double[] {round * STEP, value(s, round)});
        }
        return out;
    }

    private long filesOnDisk() throws IOException {
        try (Stream<Path> list = Files.list(dir.resolve(HeadChunkFiles.DIR))) {
            return list.count();
        }
    }

    @Test
    void sealedChunksMoveToTheFilesAndReadBackAsTheyWereWritten() throws IOException {
        openHead(0);
        write(0, SAMPLES);

        assertThat(files.chunksWritten()).isEqualTo(SERIES * 4L);
        assertThat(files.writeFailures()).isZero();
        assertThat(files.segmentCount()).isEqualTo(4).isEqualTo(filesOnDisk());
        assertThat(files.bytesOnDisk()).isPositive();
        for (int s = 0; s < SERIES; s++) {
            assertThat(read(s, 0, SAMPLES * STEP)).as("series %d", s).containsExactlyElementsOf(expected(s, 0, SAMPLES));
            assertThat(head.seriesByRef(refs[s]).sealedOnHeap()).as("sealed chunks left on the heap").isZero();
        }
    }

    @Test
    void aBlockCutReadsTheFilesAndDeletesTheSegmentsWhoseChunksAllWentIntoTheBlock() throws IOException {
        openHead(0);
        write(0, 3 * 240 + 10); // three hours: the first two-hour window can be cut
        assertThat(filesOnDisk()).isEqualTo(6);
        long maxt = 2 * HOUR;

        head.setMinValidTime(maxt, 0);
        List<BlockSeries> block = head.blockSeries(maxt);
        head.truncateBefore(maxt);

        assertThat(block).hasSize(SERIES);
        for (BlockSeries bs : block) {
            int s = indexOf(bs.id());
            List<double[]> got = new ArrayList<>();
            SampleBuffer b = new SampleBuffer();
            for (ChunkSlice c : bs.chunks()) {
                b.decode(c.data(), c.offset(), c.length());
                for (int i = 0; i < b.count; i++) {
                    got.add(new double[] {b.timestamps[i], b.values[i]});
                }
            }
            assertThat(got).as("block series %d", s).containsExactlyElementsOf(expected(s, 0, 480));
        }
        assertThat(filesOnDisk()).as("segments of the chunks sealed at rounds 600 and 720").isEqualTo(2);
        assertThat(files.segmentCount()).isEqualTo(filesOnDisk());
        for (int s = 0; s < SERIES; s++) {
            assertThat(read(s, 0, 4 * HOUR)).as("series %d after the cut", s).containsExactlyElementsOf(expected(s, 480, 730));
        }
    }

    @Test
    void aFailedWriteKeepsTheChunksOnTheHeapAndWritesResumeAfterThePause() throws Exception {
        openHead(1_000_000); // 1 ms
        isWriteFailing.set(true);
        write(0, 240);
        assertThat(files.chunksWritten()).isZero();
        assertThat(files.writeFailures()).isPositive();
        assertThat(head.seriesByRef(refs[0]).sealedOnHeap()).isEqualTo(1);

        isWriteFailing.set(false);
        Thread.sleep(5);
        write(240, SAMPLES);
        assertThat(files.chunksWritten()).as("chunks sealed after the pause, at rounds 240, 360, 480").isEqualTo(SERIES * 3L);
        for (int s = 0; s < SERIES; s++) {
            assertThat(read(s, 0, SAMPLES * STEP)).as("series %d", s).containsExactlyElementsOf(expected(s, 0, SAMPLES));
        }
    }

    @Test
    void anOutOfOrderSampleReplacesAChunkInAFileAndItsSegmentGoesWithItsLastChunk() throws IOException {
        openHead(0);
        write(0, 361); // rounds 120, 240 and 360 seal a chunk per series, each round's in a segment of its own
        assertThat(files.chunksWritten()).isEqualTo(SERIES * 3L);
        assertThat(filesOnDisk()).isEqualTo(3);

        Appender a = head.appender();
        for (int s = 0; s < SERIES; s++) {
            a.append(refs[s], labels(s), 10 * STEP + 1, -1.5); // between two samples of the first chunk
        }
        a.commit();

        assertThat(filesOnDisk()).as("the segment of first chunks only, all replaced, is gone").isEqualTo(2);
        for (int s = 0; s < SERIES; s++) {
            List<double[]> want = expected(s, 0, 361);
            want.add(11, new double[] {10 * STEP + 1, -1.5});
            assertThat(read(s, 0, 361 * STEP)).as("series %d", s).containsExactlyElementsOf(want);
        }
    }

    @Test
    void aViewStillReadsAChunkWhoseSegmentWasDeletedWhileItWasOpen() throws IOException {
        openHead(0);
        write(0, 361);
        SealedChunk first = head.seriesByRef(refs[0]).chunksIn(0, 2 * HOUR).getFirst();
        assertThat(first.segment()).isNotNull();

        try (HeadChunkFiles.View view = files.openView()) {
            Appender a = head.appender(); // as a snapshot reads, an out-of-order merge empties the first segment
            for (int s = 0; s < SERIES; s++) {
                a.append(refs[s], labels(s), 10 * STEP + 1, -1.5);
            }
            a.commit();
            assertThat(filesOnDisk()).isEqualTo(2);

            SampleBuffer b = new SampleBuffer();
            first.decodeInto(b, view);
            List<double[]> got = new ArrayList<>();
            for (int i = 0; i < b.count; i++) {
                got.add(new double[] {b.timestamps[i], b.values[i]});
            }
            assertThat(got).containsExactlyElementsOf(expected(0, 0, 120));
        }
    }

    @Test
    void chunksStayReadableAfterTheFilesAreClosedAndDeleted() throws IOException {
        openHead(0);
        write(0, 300);
        head.close();

        assertThat(Files.exists(dir.resolve(HeadChunkFiles.DIR))).isFalse();
        for (int s = 0; s < SERIES; s++) {
            assertThat(read(s, 0, 300 * STEP)).as("series %d", s).containsExactlyElementsOf(expected(s, 0, 300));
        }
        write(300, 400); // later seals stay on the heap
        assertThat(read(3, 0, 400 * STEP)).containsExactlyElementsOf(expected(3, 0, 400));
    }

    @Test
    void openingEmptiesWhatAnEarlierRunLeft() throws IOException {
        Path stale = dir.resolve(HeadChunkFiles.DIR).resolve("00000001");
        Files.createDirectories(stale.getParent());
        Files.write(stale, new byte[4096]);

        openHead(0);
        assertThat(filesOnDisk()).isZero();
        write(0, 130);
        assertThat(read(0, 0, 130 * STEP)).containsExactlyElementsOf(expected(0, 0, 130));
    }

    private int indexOf(int seriesId) {
        for (int s = 0; s < SERIES; s++) {
            if (refs[s] == seriesId) {
                return s;
            }
        }
        throw new AssertionError("unknown series id " + seriesId);
    }

    /** {@code delegate}, whose writeFully fails while {@link #isWriteFailing} is set (as on a full disk). */
    private FileFacade failingWrites(FileFacade delegate) {
        return (FileFacade) Proxy.newProxyInstance(FileFacade.class.getClassLoader(), new Class<?>[] {FileFacade.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("writeFully") && isWriteFailing.get()) {
                        throw new IOException("No space left on device");
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
