package io.sightline.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.storage.model.StaleMarker;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The head chunk's decimal value column ({@link ChunkFormat#VALUE_DECIMAL_RICE}): its size on typical
 * series, the re-encodes at a finer exponent and to XOR, the exponent carried to the next chunk, and
 * readers on another thread across re-encodes. Every check is bit for bit.
 */
class HeadChunkDecimalTest {
    private static final long T0 = 1_764_000_000_000L;

    @Test
    void aNoisyGaugeInHundredthsTakesAboutTenBitsPerSample() {
        SplittableRandom random = new SplittableRandom(7);
        double[] vs = new double[120];
        for (int i = 0; i < vs.length; i++) {
            vs[i] = 40 + Math.round(random.nextGaussian() * 100) / 100.0;
        }
        HeadChunk head = appendAll(vs);
        assertThat(valueEncoding(head)).isEqualTo(ChunkFormat.VALUE_DECIMAL_RICE);
        // Gorilla XOR took ~790 bytes for these values.
        assertThat(head.valueByteLength()).isLessThan(120 * 13 / 8);
    }

    @Test
    void aConstantAndAFlatCounterTakeAboutOneBitPerSample() {
        double[] constant = new double[120];
        double[] flat = new double[120];
        for (int i = 0; i < 120; i++) {
            constant[i] = 0.25;
            flat[i] = 1_000 + (i / 40);
        }
        assertThat(appendAll(constant).valueByteLength()).isLessThanOrEqualTo(1 + 2 + 15);
        assertThat(appendAll(flat).valueByteLength()).isLessThanOrEqualTo(1 + 3 + 15 + 2 * 4);
    }

    @Test
    void aValueWithMoreFractionDigitsReencodesTheColumnAtTheFinerExponent() {
        double[] vs = {40, 40.5, 40.25, 41, 40.125, 39.0625, 0.000001, 3};
        HeadChunk head = appendAll(vs);
        assertThat(valueEncoding(head)).isEqualTo(ChunkFormat.VALUE_DECIMAL_RICE);
        assertRoundTrips(head, vs);
    }

    @Test
    void aValueThatIsNoShortDecimalSwitchesTheChunkToXorKeepingEveryValue() {
        double[][] cases = {
            {1, 2, 3, StaleMarker.VALUE, 5},
            {1.5, Double.NaN, 2.5},
            {0.25, -0.0, 0.5},
            {7, Double.MIN_VALUE, 8},
            {7, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY},
            {0.1, 0.2, Math.PI},
            {1e-15, 1e-16},
            {Math.pow(2, 53), 2.5}, // the rescaled mantissa would leave the exact range
            {9_007_199_254_740_993.0, 1}, // 2^53 + 1 is no double: this is 2^53, an integer beyond no bound
            {-Double.MAX_VALUE, 1},
            {Double.longBitsToDouble(0x7ff0_0000_dead_beefL), 1},
        };
        for (double[] vs : cases) {
            HeadChunk head = appendAll(vs);
            assertRoundTrips(head, vs);
        }
        assertThat(valueEncoding(appendAll(cases[0]))).isEqualTo(ChunkFormat.VALUE_XOR);
    }

    @Test
    void aCounterWithResetsAndLargeJumpsRoundTrips() {
        double[] vs = {0, 5, 9_007_199_254_740_992.0, 0, -9_007_199_254_740_992.0, 12, 12, 0.5, 1e15};
        HeadChunk head = appendAll(vs);
        assertRoundTrips(head, vs);
    }

    @Test
    void theNextChunkStartsAtTheLastChunksExponentSoItNeedsNoReencode() {
        HeadChunk head = new HeadChunk(120);
        double[] first = {40.25, 40.5, 40.13};
        append(head, first);
        byte[] before = head.columnAcquire();
        head.reset();
        double[] second = {41, 40.5, 40.13}; // 41 alone would start at exponent 0
        append(head, second);
        assertThat(head.columnAcquire()).as("same array: no re-encode").isSameAs(before);
        assertRoundTrips(head, second);
    }

    @Test
    void aChunkOfEvenMantissasLetsTheNextStartAtItsOwnExponent() {
        HeadChunk head = new HeadChunk(120);
        append(head, new double[] {1.5, 1.25, 1.125});
        head.reset();
        append(head, new double[] {2.5, 2.25, 2.75}); // mantissas 2500, 2250, 2750: all even
        head.reset();
        double[] third = {3, 4, 5};
        append(head, third);
        ChunkBuffer out = new ChunkBuffer(0);
        head.encodeTo(out);
        assertThat(head.valueColumnHead()).as("exponent byte").isEqualTo((byte) 0);
        assertRoundTrips(head, third);
    }

    @Test
    void oneReusedChunkRoundTripsRandomSeriesOfEveryShape() {
        long seed = ChunkFuzzTest.seed("oneReusedChunkRoundTripsRandomSeriesOfEveryShape");
        Random random = new Random(seed);
        HeadChunk head = new HeadChunk(120);
        for (int round = 0; round < 2_000; round++) {
            int n = 1 + random.nextInt(random.nextInt(8) == 0 ? 2_000 : 130);
            double[] vs = randomValues(random, n);
            head.reset();
            append(head, vs);
            try {
                assertRoundTrips(head, vs);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + " round " + round + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void sealingFromTheHeadsMantissasGivesTheBytesSealingFromItsValuesGave() {
        long seed = ChunkFuzzTest.seed("sealingFromTheHeadsMantissasGivesTheBytesSealingFromItsValuesGave");
        Random random = new Random(seed);
        HeadChunk head = new HeadChunk(120);
        ChunkEncoder fromIterator = new ChunkEncoder();
        ChunkEncoder fromValues = new ChunkEncoder();
        ChunkIterator it = new ChunkIterator();
        double[][] fixed = {{0, 0, 0}, {1000, 2000, 3000}, {1e18, 2e18}, {2.5, 2.25, 2.75}, {-0.0, 1}, {0.1, 0.1}};
        for (int round = 0; round < 1_500; round++) {
            double[] vs = round < fixed.length ? fixed[round] : randomValues(random, 1 + random.nextInt(200));
            head.reset();
            append(head, vs);
            fromIterator.reset();
            fromIterator.appendAll(it.reset(head));
            assertThat(it.next()).as("the iterator is consumed").isFalse();
            fromValues.reset();
            for (int i = 0; i < vs.length; i++) {
                fromValues.append(T0 + i * 15_000L, vs[i]);
            }
            byte[] sealed = fromValues.encode();
            assertThat(fromIterator.encode()).as("seed %d round %d", seed, round).isEqualTo(sealed);
            fromIterator.reset();
            fromIterator.appendAll(it.reset(sealed, 0, sealed.length)); // a sealed decimal chunk's mantissas too
            assertThat(fromIterator.encode()).as("seed %d round %d, sealed again", seed, round).isEqualTo(sealed);
        }
    }

    @Test
    void readersSeeAConsistentPrefixWhileTheWriterReencodes() throws InterruptedException {
        HeadChunk head = new HeadChunk(120);
        HeadChunkReaders.appendWhileReading(head, 120_000, i -> T0 + i * 15_000L, HeadChunkDecimalTest::growingPrecision);
        assertThat(valueEncoding(head)).isEqualTo(ChunkFormat.VALUE_XOR);
    }

    /** One more fraction digit every 10,000 samples, up to 7, then NaN once: about eight re-encodes. */
    private static double growingPrecision(int i) {
        if (i == 100_000) {
            return Double.NaN;
        }
        int digits = Math.min(7, i / 10_000);
        return (i % 9_973 + 1) / Math.pow(10, digits);
    }

    private static double[] randomValues(Random random, int n) {
        double[] vs = new double[n];
        int kind = random.nextInt(5);
        double scale = Math.pow(10, random.nextInt(7));
        double v = random.nextInt(1000);
        for (int i = 0; i < n; i++) {
            v = switch (kind) {
                case 0 -> random.nextInt(100) == 0 ? 0 : v + random.nextInt(1000);
                case 1 -> Math.round((v + random.nextGaussian() * 10) * scale) / scale;
                case 2 -> random.nextInt(20) == 0 ? random.nextInt(1 << 20) / Math.pow(10, random.nextInt(16)) : v;
                case 3 -> random.nextInt(3) - 1 + v * (random.nextBoolean() ? 1 : -1);
                default -> v;
            };
            vs[i] = random.nextInt(200) == 0 ? StaleMarker.VALUE : v;
        }
        return vs;
    }

    private static HeadChunk appendAll(double[] vs) {
        HeadChunk head = new HeadChunk(vs.length);
        append(head, vs);
        return head;
    }

    private static void append(HeadChunk head, double[] vs) {
        for (int i = 0; i < vs.length; i++) {
            head.append(T0 + i * 15_000L, vs[i]);
        }
    }

    private static int valueEncoding(HeadChunk head) {
        ChunkBuffer out = new ChunkBuffer(0);
        head.encodeTo(out);
        return (out.array()[1] & 0xFF) >>> 4;
    }

    private static void assertRoundTrips(HeadChunk head, double[] vs) {
        long[] ts = new long[vs.length];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = T0 + i * 15_000L;
        }
        ChunkIterator it = new ChunkIterator();
        ChunkRoundTrip.assertDecodes("open head chunk", it.reset(head), ts, vs);
        ChunkBuffer out = new ChunkBuffer(0);
        int length = head.encodeTo(out);
        ChunkRoundTrip.assertDecodes("copied head chunk", it.reset(out.array(), 0, length), ts, vs);
    }
}
