package io.sightline.storage.chunk;

import static io.sightline.storage.chunk.ChunkRoundTrip.assertRoundTrips;
import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.storage.model.StaleMarker;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ChunkRoundTripTest {
    private static final long T0 = 1_764_000_000_000L;

    @Test
    void roundTripsEveryEdgeValueBitExactly() {
        double[] vs = {
            StaleMarker.VALUE, Double.NaN, Double.longBitsToDouble(0x7ff8dead_beef0001L),
            Double.longBitsToDouble(0xfff0000000000001L), Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            -0.0, 0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, 0x0.0000000000123p-1022,
            Double.MAX_VALUE, -Double.MAX_VALUE, 1.0, StaleMarker.VALUE, 0.1 + 0.2, 1e300, -1e-300, 42
        };
        assertRoundTrips(regular(vs.length, 15_000), vs);
    }

    @Test
    void roundTripsEachEdgeValueAloneAndBetweenDecimals() {
        double[] edges = {StaleMarker.VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0,
            Double.MIN_VALUE, Double.MAX_VALUE};
        for (double edge : edges) {
            assertRoundTrips(regular(1, 15_000), new double[] {edge});
            assertRoundTrips(regular(5, 15_000), new double[] {1, 2, edge, 4, 5});
        }
    }

    @Test
    void roundTripsOneSample() {
        assertRoundTrips(new long[] {T0}, new double[] {0.25});
        assertRoundTrips(new long[] {-5}, new double[] {-7});
    }

    @Test
    void roundTripsCountersWithResets() {
        double[] vs = {10, 20, 35, 50, 3, 9, 15, 0, 0, 1e6, 2e6, 5};
        assertRoundTrips(regular(vs.length, 15_000), vs);
        assertThat(chosenValueEncoding(regular(vs.length, 15_000), vs)).isNotEqualTo(ChunkFormat.VALUE_XOR);
    }

    @Test
    void roundTripsIrregularIntervalsLargeJumpsAndNegativeTimestamps() {
        long[] ts = {-3_000_000_000_000L, -1, 0, 1, 15_001, 29_999, 30_000, 30_001 + (1L << 40),
            Long.MAX_VALUE / 2, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        double[] vs = new double[ts.length];
        for (int i = 0; i < vs.length; i++) {
            vs[i] = -i * 0.5;
        }
        assertRoundTrips(ts, vs);
        assertRoundTrips(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, new double[] {1, 2, 3});
    }

    @Test
    void roundTripsNegativeValueDeltas() {
        double[] vs = {100.5, 99.25, -3.125, -1000, 7, -7, 0.001, -0.001};
        assertRoundTrips(regular(vs.length, 15_000), vs);
    }

    @Test
    void roundTrips120And65536Samples() {
        for (int n : new int[] {2, 3, 120, 65_536}) {
            long[] ts = regular(n, 15_000);
            double[] gauge = new double[n];
            double[] noise = new double[n];
            java.util.Random random = new java.util.Random(n);
            for (int i = 0; i < n; i++) {
                ts[i] += random.nextInt(3) == 0 ? random.nextInt(40) : 0;
                gauge[i] = Math.round((i % 7 - 3) * 12.5 + random.nextInt(100)) / 100.0;
                noise[i] = random.nextGaussian() * 1e3;
            }
            assertRoundTrips(ts, gauge);
            assertRoundTrips(ts, noise);
        }
    }

    @Test
    void picksDecimalForShortDecimalsAndAnXorCodecForOtherFloats() {
        long[] ts = regular(120, 15_000);
        double[] decimals = new double[120];
        double[] noise = new double[120];
        for (int i = 0; i < 120; i++) {
            decimals[i] = 0.25 * (i % 9);
            noise[i] = Math.sin(i) * Math.PI;
        }
        assertThat(chosenValueEncoding(ts, decimals)).isNotEqualTo(ChunkFormat.VALUE_XOR);
        assertThat(chosenValueEncoding(ts, noise)).isEqualTo(ChunkFormat.VALUE_XOR_PACKED);
        double[] repeats = new double[120];
        for (int i = 0; i < 120; i++) {
            repeats[i] = i % 30 < 25 ? Math.PI / 7 : Math.E / 7; // runs of one 17-digit value: Gorilla's 0 bit wins
        }
        assertThat(chosenValueEncoding(ts, repeats)).isEqualTo(ChunkFormat.VALUE_XOR);
    }

    @Test
    void reencodesAnOpenHeadChunkThroughAnIterator() {
        HeadChunk head = new HeadChunk(120);
        for (int i = 0; i < 120; i++) {
            head.append(T0 + i * 15_000L, i * 3);
        }
        ChunkEncoder encoder = new ChunkEncoder();
        ChunkIterator it = new ChunkIterator();
        encoder.appendAll(it.reset(head));
        byte[] sealed = encoder.encode();
        ChunkBuffer copied = new ChunkBuffer(0);
        head.encodeTo(copied);

        assertThat(sealed.length).isLessThan(copied.length());
        it.reset(sealed, 0, sealed.length);
        for (int i = 0; i < 120; i++) {
            assertThat(it.next()).isTrue();
            assertThat(it.timestamp()).isEqualTo(T0 + i * 15_000L);
            assertThat(it.value()).isEqualTo(i * 3);
        }
        assertThat(it.next()).isFalse();
    }

    static int chosenValueEncoding(long[] ts, double[] vs) {
        ChunkEncoder encoder = new ChunkEncoder();
        for (int i = 0; i < ts.length; i++) {
            encoder.append(ts[i], vs[i]);
        }
        return (encoder.encode()[1] & 0xFF) >>> 4;
    }

    static long[] regular(int n, long interval) {
        return LongStream.range(0, n).map(i -> T0 + i * interval).toArray();
    }
}
