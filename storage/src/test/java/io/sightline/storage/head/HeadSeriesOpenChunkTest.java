package io.sightline.storage.head;

import io.sightline.storage.index.SampleBuffer;
import io.sightline.storage.index.SeriesChunks;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The open chunk of a head series is an encoded prefix plus an XOR tail that is compacted into the prefix
 * every {@link HeadSeries#TAIL_SAMPLES} samples: whatever the split, reads, snapshots, block cuts and
 * out-of-order inserts see every sample bit for bit, and readers on other threads see a consistent prefix.
 */
class HeadSeriesOpenChunkTest {
    private static final long BLOCK = 2 * 3_600_000L;
    private static final long WINDOW = 3_600_000L;
    private static final long T0 = 1_764_000_000_000L / BLOCK * BLOCK;
    private static final long STALE_NAN = 0x7ff0000000000002L;

    @Test
    void everySampleIsReadBackBitForBitAtEveryOpenChunkLength() {
        HeadSeries s = new HeadSeries(1, Labels.of("__name__", "x"));
        List<long[]> expected = new ArrayList<>();
        for (int i = 0; i < 3 * HeadSeries.CHUNK_SAMPLES + 7; i++) {
            long t = T0 + i * 15_000L + (i % 5 == 0 ? i % 700 : 0);
            double v = awkwardValue(i);
            assertThat(s.apply(t, v, 0, BLOCK)).isEqualTo(HeadSeries.ACCEPTED);
            expected.add(new long[] {t, Double.doubleToRawLongBits(v)});
            assertThat(read(s, Long.MIN_VALUE, Long.MAX_VALUE)).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aYoungSeriesKeepsMostOfItsOpenChunkCompacted() {
        HeadSeries s = new HeadSeries(1, Labels.of("__name__", "x"));
        int samples = 2 * HeadSeries.TAIL_SAMPLES + 3;
        for (int i = 0; i < samples; i++) {
            s.apply(T0 + i * 15_000L, 20 + (i * 37 % 19) / 10.0, 0, BLOCK);
        }
        SeriesChunks chunks = s.snapshot(Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(chunks.chunkCount()).isEqualTo(2);
        SampleBuffer b = new SampleBuffer();
        chunks.decode(0, b);
        assertThat(b.count).isEqualTo(2 * HeadSeries.TAIL_SAMPLES);
        chunks.decode(1, b);
        assertThat(b.count).isEqualTo(3);
        assertThat(chunks.maxTime(0)).isLessThan(chunks.minTime(1));
    }

    @Test
    void aSnapshotSharesTheEncodedPrefixAndLaterAppendsDoNotShowInIt() {
        HeadSeries s = new HeadSeries(1, Labels.of("__name__", "x"));
        int samples = HeadSeries.TAIL_SAMPLES + 5;
        for (int i = 0; i < samples; i++) {
            s.apply(T0 + i * 15_000L, i, 0, BLOCK);
        }
        SeriesChunks before = s.snapshot(Long.MIN_VALUE, Long.MAX_VALUE);
        List<long[]> seen = decodeAll(before);
        for (int i = samples; i < 3 * HeadSeries.TAIL_SAMPLES; i++) {
            s.apply(T0 + i * 15_000L, i, 0, BLOCK);
        }
        assertThat(decodeAll(before)).containsExactlyElementsOf(seen);
        assertThat(seen).hasSize(samples);
    }

    @Test
    void aBlockCutSealsPrefixAndTailAsOneChunk() {
        HeadSeries s = new HeadSeries(1, Labels.of("__name__", "x"));
        List<long[]> expected = new ArrayList<>();
        int samples = HeadSeries.TAIL_SAMPLES * 2 + 11;
        for (int i = 0; i < samples; i++) {
            long t = T0 + i * 15_000L;
            s.apply(t, awkwardValue(i), 0, BLOCK);
            expected.add(new long[] {t, Double.doubleToRawLongBits(awkwardValue(i))});
        }
        List<SealedChunk> copied = s.chunksIn(T0, T0 + BLOCK);
        assertThat(copied).hasSize(1);
        assertThat(copied.getFirst().count()).isEqualTo(samples);
        assertThat(decode(copied.getFirst())).containsExactlyElementsOf(expected);

        List<SealedChunk> sealed = s.chunksBefore(T0 + BLOCK);
        assertThat(sealed).hasSize(1);
        assertThat(decode(sealed.getFirst())).containsExactlyElementsOf(expected);
        assertThat(s.dropBefore(T0 + BLOCK)).isTrue();
    }

    @Test
    void outOfOrderSamplesLandInPrefixOrTailAndTheNextAppendsFollowThem() {
        HeadSeries s = new HeadSeries(1, Labels.of("__name__", "x"));
        TreeMap<Long, Long> expected = new TreeMap<>();
        // Every other 15 s slot first, then the gaps from the newest backwards: inserts hit tail and prefix.
        int slots = 2 * HeadSeries.TAIL_SAMPLES + 20;
        for (int i = 0; i < slots; i += 2) {
            add(s, expected, T0 + i * 15_000L, awkwardValue(i));
        }
        for (int i = slots - 1; i > 0; i -= 6) {
            add(s, expected, T0 + i * 15_000L, awkwardValue(i));
            assertThat(read(s, Long.MIN_VALUE, Long.MAX_VALUE)).containsExactlyElementsOf(asList(expected));
        }
        assertThat(s.check(T0 + 15_000L * (slots - 1), awkwardValue(slots - 1), WINDOW)).isEqualTo(HeadSeries.IDEMPOTENT);
        assertThat(s.check(T0 + 15_000L * (slots - 1), 12345.0, WINDOW)).isNegative();
        for (int i = slots; i < slots + HeadSeries.CHUNK_SAMPLES; i++) {
            add(s, expected, T0 + i * 15_000L, awkwardValue(i));
        }
        assertThat(read(s, Long.MIN_VALUE, Long.MAX_VALUE)).containsExactlyElementsOf(asList(expected));
        List<SealedChunk> all = s.chunksBefore(T0 + BLOCK);
        List<long[]> cut = new ArrayList<>();
        for (SealedChunk c : all) {
            cut.addAll(decode(c));
        }
        assertThat(cut).containsExactlyElementsOf(asList(expected));
    }

    @Test
    void aRangeInsideTheOpenChunkReturnsOnlyTheOverlappingParts() {
        HeadSeries s = new HeadSeries(1, Labels.of("__name__", "x"));
        int samples = HeadSeries.TAIL_SAMPLES + 10;
        for (int i = 0; i < samples; i++) {
            s.apply(T0 + i * 15_000L, i, 0, BLOCK);
        }
        long inTail = T0 + (HeadSeries.TAIL_SAMPLES + 2) * 15_000L;
        assertThat(read(s, inTail, inTail)).containsExactly(new long[] {inTail, Double.doubleToRawLongBits(42)});
        long inPrefix = T0 + 3 * 15_000L;
        assertThat(decodeAll(s.snapshot(inPrefix, inPrefix + 15_000L))).hasSize(HeadSeries.TAIL_SAMPLES);
        assertThat(decodeAll(s.snapshot(inTail, inTail))).hasSize(samples - HeadSeries.TAIL_SAMPLES);
        assertThat(s.snapshot(T0 + samples * 15_000L, Long.MAX_VALUE)).isNull();
    }

    @Test
    void readersOnAnotherThreadSeeAConsistentPrefixWhileTheWriterAppendsAndCompacts() throws InterruptedException {
        HeadSeries s = new HeadSeries(1, Labels.of("__name__", "x"));
        int samples = 200 * HeadSeries.CHUNK_SAMPLES;
        AtomicBoolean isDone = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int[] reads = new int[1];
        Thread reader = Thread.ofPlatform().name("head-series-reader").start(() -> {
            SampleBuffer b = new SampleBuffer();
            int previous = 0;
            try {
                while (!isDone.get() || reads[0] == 0) {
                    SeriesChunks chunks = s.snapshot(Long.MIN_VALUE, Long.MAX_VALUE);
                    int n = 0;
                    for (int c = 0; chunks != null && c < chunks.chunkCount(); c++) {
                        chunks.decode(c, b);
                        for (int i = 0; i < b.count; i++, n++) {
                            assertThat(b.timestamps[i]).isEqualTo(T0 + n * 15_000L);
                            assertThat(Double.doubleToRawLongBits(b.values[i]))
                                    .isEqualTo(Double.doubleToRawLongBits(awkwardValue(n)));
                        }
                    }
                    assertThat(n).isGreaterThanOrEqualTo(previous);
                    previous = n;
                    reads[0]++;
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        for (int i = 0; i < samples; i++) {
            s.apply(T0 + i * 15_000L, awkwardValue(i), 0, BLOCK * 1000);
        }
        isDone.set(true);
        reader.join();
        assertThat(failure.get()).isNull();
        assertThat(reads[0]).isPositive();
        assertThat(read(s, Long.MIN_VALUE, Long.MAX_VALUE)).hasSize(samples);
    }

    private static void add(HeadSeries s, TreeMap<Long, Long> expected, long t, double v) {
        assertThat(s.apply(t, v, WINDOW, BLOCK)).isEqualTo(HeadSeries.ACCEPTED);
        expected.put(t, Double.doubleToRawLongBits(v));
    }

    private static List<long[]> asList(TreeMap<Long, Long> samples) {
        List<long[]> out = new ArrayList<>();
        samples.forEach((t, v) -> out.add(new long[] {t, v}));
        return out;
    }

    /** Values that only survive when kept as raw bits: NaN payloads, stale markers, -0.0, subnormals. */
    private static double awkwardValue(int i) {
        return switch (i % 9) {
            case 0 -> Double.longBitsToDouble(STALE_NAN);
            case 1 -> -0.0;
            case 2 -> Double.longBitsToDouble(0x7ff8000000000000L | i);
            case 3 -> Double.MIN_VALUE * i;
            case 4 -> new SplittableRandom(i).nextDouble();
            default -> Math.round(i * 1.7) / 100.0;
        };
    }

    private static List<long[]> read(HeadSeries s, long mint, long maxt) {
        SeriesChunks chunks = s.snapshot(mint, maxt);
        List<long[]> out = new ArrayList<>();
        for (long[] sample : chunks == null ? List.<long[]>of() : decodeAll(chunks)) {
            if (sample[0] >= mint && sample[0] <= maxt) {
                out.add(sample);
            }
        }
        return out;
    }

    private static List<long[]> decodeAll(SeriesChunks chunks) {
        List<long[]> out = new ArrayList<>();
        SampleBuffer b = new SampleBuffer();
        long last = Long.MIN_VALUE;
        for (int c = 0; c < chunks.chunkCount(); c++) {
            chunks.decode(c, b);
            assertThat(chunks.minTime(c)).isGreaterThan(last).isEqualTo(b.timestamps[0]);
            assertThat(chunks.maxTime(c)).isEqualTo(b.timestamps[b.count - 1]);
            last = chunks.maxTime(c);
            for (int i = 0; i < b.count; i++) {
                out.add(new long[] {b.timestamps[i], Double.doubleToRawLongBits(b.values[i])});
            }
        }
        return out;
    }

    private static List<long[]> decode(SealedChunk c) {
        List<long[]> out = new ArrayList<>();
        SampleBuffer b = new SampleBuffer();
        c.decodeInto(b);
        assertThat(b.count).isEqualTo(c.count());
        assertThat(b.timestamps[0]).isEqualTo(c.minTime());
        assertThat(b.timestamps[b.count - 1]).isEqualTo(c.maxTime());
        for (int i = 0; i < b.count; i++) {
            out.add(new long[] {b.timestamps[i], Double.doubleToRawLongBits(b.values[i])});
        }
        return out;
    }
}
