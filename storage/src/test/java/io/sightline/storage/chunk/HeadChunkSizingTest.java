package io.sightline.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A head chunk's array holds no spare room for a worst-case code: each timestamp and decimal code checks the
 * room its own bits need, a timestamp write may reach into the values column, and a long gap's delta lives
 * in the column, not a field. Every sample must still come back bit for bit wherever a code lands.
 */
class HeadChunkSizingTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final int SAMPLES = HeadChunk.PROJECTED_SAMPLES;

    @Test
    void aRegularSeriesFillsItsChunkInTheArrayItStartedWith() {
        HeadChunk head = new HeadChunk(SAMPLES);
        byte[] first = head.columnAcquire();
        double v = 1_000;
        for (int i = 0; i < SAMPLES; i++) {
            v += i % 9 == 0 ? 1 : 0; // a slow counter: under a byte per sample
            head.append(T0 + i * 15_000L, v);
        }
        assertThat(head.columnAcquire()).as("the chunk's array after %d regular samples", SAMPLES).isSameAs(first);
        assertThat(head.timestampByteLength()).isLessThanOrEqualTo(HeadChunk.valueStart(first) - HeadChunk.timestampStart());
    }

    @Test
    void aLongValueCodeAtAnyPlaceOfTheColumnsEndKeepsEverySampleBitForBit() {
        // A jump to an 11-digit value (an escaped Rice code of ~70 bits), a finer exponent and a NaN: each lands at every byte of the
        // column's last stretch, where its code needs more room than the column has left.
        double[] jumps = {12_345_678_901.25, 7.125, Double.NaN};
        for (double jump : jumps) {
            for (int at = 1; at < 150; at++) {
                long[] ts = new long[at + 20];
                double[] vs = new double[ts.length];
                for (int i = 0; i < ts.length; i++) {
                    ts[i] = T0 + i * 15_000L;
                    vs[i] = i == at ? jump : 40 + (i * 37 % 101) / 100.0;
                }
                assertHeadRoundTrips(new HeadChunk(SAMPLES), ts, vs, "jump " + jump + " at " + at);
            }
        }
    }

    @Test
    void timestampCodesOfEveryLengthFillTheirRegionToTheLastBitWithoutTouchingTheValues() {
        // Delta-of-deltas of every code length (1, 12, 19, 28 and 68 bits) at every place of the region's
        // end; the values behind it are noisy so that a write reaching into them would show.
        long[] dods = {0, 300, -20_000, 5_000_000, 40L * 86_400_000};
        SplittableRandom random = new SplittableRandom(5);
        for (int expected = 1; expected <= SAMPLES; expected += 17) {
            for (int round = 0; round < 40; round++) {
                int n = 1 + random.nextInt(200);
                long[] ts = new long[n];
                double[] vs = new double[n];
                long t = T0;
                long delta = 15_000;
                for (int i = 0; i < n; i++) {
                    delta += dods[random.nextInt(dods.length)] * (random.nextInt(4) == 0 ? 1 : 0);
                    delta = Math.max(1, delta);
                    t += delta;
                    ts[i] = t;
                    vs[i] = Math.round(random.nextGaussian() * 1e4) / 100.0;
                }
                assertHeadRoundTrips(new HeadChunk(expected), ts, vs, "expected " + expected + " round " + round);
            }
        }
    }

    @Test
    void gapsLongerThanAnIntOfMillisecondsAreCodedFromTheDeltaInTheColumn() {
        long[] gaps = {15_000, Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, 15_000, 15_000, 30L * 86_400_000,
                30L * 86_400_000, 15_000, -(long) Integer.MIN_VALUE, 1, 1, 400L * 86_400_000, 15_000};
        long[] ts = new long[gaps.length + 1];
        double[] vs = new double[ts.length];
        ts[0] = -T0; // and across zero
        for (int i = 1; i < ts.length; i++) {
            ts[i] = ts[i - 1] + gaps[i - 1];
            vs[i] = i * 0.5;
        }
        assertHeadRoundTrips(new HeadChunk(4), ts, vs, "long gaps");
        ChunkRoundTrip.assertRoundTrips(ts, vs);
    }

    @Test
    void aChunkReusedAfterAnXorChunkStartsAtTheExponentItHadBefore() {
        // The XOR window shares the decimal state's field: the next decimal chunk must not inherit it.
        HeadChunk head = new HeadChunk(SAMPLES);
        for (int i = 0; i < 10; i++) {
            head.append(T0 + i * 15_000L, 20 + i * 0.25);
        }
        head.reset();
        for (int i = 0; i < 10; i++) {
            head.append(T0 + (10 + i) * 15_000L, i == 3 ? Double.NaN : Math.sqrt(i));
        }
        assertThat(HeadChunk.isXorColumn(head.columnAcquire())).isTrue();
        head.reset();
        long[] ts = new long[30];
        double[] vs = new double[30];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = T0 + (20 + i) * 15_000L;
            vs[i] = (2_100 + i * 37) / 100.0;
        }
        assertHeadRoundTrips(head, ts, vs, "decimal after XOR");
        assertThat(head.valueColumnHead()).as("exponent").isEqualTo((byte) -2);
    }

    @Test
    void aFlatSeriesNextChunkGetsAnArrayFittedToItsBytesPerSampleAndFillsIt() {
        HeadChunk head = new HeadChunk(SAMPLES);
        long t = T0;
        for (int i = 0; i < SAMPLES; i++, t += 15_000) {
            head.append(t, 7);
        }
        byte[] first = head.columnAcquire();
        head.resetFitted();
        byte[] fitted = head.columnAcquire();
        assertThat(fitted.length).as("fitted array, first was %d bytes", first.length).isLessThan(first.length / 2);
        long[] ts = new long[SAMPLES];
        double[] vs = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++, t += 15_000) {
            ts[i] = t;
            vs[i] = i == 70 ? 8 : 7;
        }
        assertHeadRoundTrips(head, ts, vs, "flat after fitting");
        assertThat(head.columnAcquire()).as("the fitted array after a chunk like the last").isSameAs(fitted);
    }

    @Test
    void aChunkThatUsedMostOfItsRoomKeepsItsArray() {
        HeadChunk head = new HeadChunk(SAMPLES);
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < SAMPLES; i++) {
            head.append(T0 + i * 15_000L, 40 + Math.round(random.nextGaussian() * 100) / 100.0);
        }
        byte[] array = head.columnAcquire();
        head.resetFitted();
        assertThat(head.columnAcquire()).isSameAs(array);
        assertThat(head.count()).isZero();
    }

    @Test
    void aNoisierChunkAfterAFittedOneGrowsAndKeepsEverySampleBitForBit() {
        HeadChunk head = new HeadChunk(SAMPLES);
        long t = T0;
        for (int i = 0; i < SAMPLES; i++, t += 15_000) {
            head.append(t, 1_000 + i / 10);
        }
        head.resetFitted();
        SplittableRandom random = new SplittableRandom(13);
        long[] ts = new long[SAMPLES];
        double[] vs = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++, t += 15_000 + random.nextInt(900)) {
            ts[i] = t;
            vs[i] = Math.round(random.nextGaussian() * 1e6) / 1_000.0;
        }
        assertHeadRoundTrips(head, ts, vs, "noisy after fitting");
    }

    /** Appends the samples to {@code head} and checks the open chunk and its encoded copy decode to them. */
    private static void assertHeadRoundTrips(HeadChunk head, long[] ts, double[] vs, String what) {
        for (int i = 0; i < ts.length; i++) {
            head.append(ts[i], vs[i]);
        }
        ChunkIterator it = new ChunkIterator();
        ChunkRoundTrip.assertDecodes(what + ": open head chunk", it.reset(head), ts, vs);
        ChunkBuffer buffer = new ChunkBuffer(0);
        int length = head.encodeTo(buffer);
        ChunkRoundTrip.assertDecodes(what + ": copied head chunk", it.reset(buffer.array(), 0, length), ts, vs);
    }
}
