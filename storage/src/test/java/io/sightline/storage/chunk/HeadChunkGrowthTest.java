package io.sightline.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HeadChunkGrowthTest {
    private static final int SAMPLES = 120;
    private static final long START = 1_764_000_000_000L;

    @Test
    void aNoisyGaugesValuesColumnEndsWithinFifteenPercentOfWhatItsSamplesNeed() {
        SplittableRandom random = new SplittableRandom(7);
        double[] values = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            values[i] = 40 + Math.round(random.nextGaussian() * 100) / 100.0;
        }
        // ~145 B as decimals (Gorilla XOR took ~790 B, where doubling from 136 B ended at 1,088 B).
        assertValuesColumnFitsWithinFifteenPercent(values);
    }

    @Test
    void aCountersValuesColumnEndsWithinFifteenPercentOfWhatItsSamplesNeed() {
        SplittableRandom random = new SplittableRandom(11);
        double[] values = new double[SAMPLES];
        double v = 5_000;
        for (int i = 0; i < SAMPLES; i++) {
            v += random.nextInt(150);
            values[i] = v;
        }
        assertValuesColumnFitsWithinFifteenPercent(values);
    }

    /** Appends one value per 15 s and checks the values column's array against the bytes it holds. */
    private static void assertValuesColumnFitsWithinFifteenPercent(double[] values) {
        HeadChunk head = new HeadChunk(values.length);
        for (int i = 0; i < values.length; i++) {
            head.append(START + i * 15_000L, values[i]);
        }
        int used = head.valueByteLength();
        assertThat(head.valueCapacity()).as("capacity for %d used bytes", used)
                .isBetween(used + 8, used * 115 / 100 + 18);
    }

    @Test
    void aChunkFarPastItsExpectedSizeStillKeepsEverySampleBitForBit() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 2_000;
        long[] ts = new long[n];
        double[] vs = new double[n];
        HeadChunk head = new HeadChunk(4);
        for (int i = 0; i < n; i++) {
            ts[i] = START + i * 1_000L + random.nextInt(500);
            vs[i] = i % 3 == 0 ? Double.longBitsToDouble(random.nextLong()) : random.nextDouble() * 1e6;
            head.append(ts[i], vs[i]);
        }
        ChunkIterator it = new ChunkIterator().reset(head);
        for (int i = 0; i < n; i++) {
            assertThat(it.next()).as("sample %d present", i).isTrue();
            assertThat(it.timestamp()).isEqualTo(ts[i]);
            assertThat(Double.doubleToRawLongBits(it.value())).as("value bits of sample %d", i)
                    .isEqualTo(Double.doubleToRawLongBits(vs[i]));
        }
        assertThat(it.next()).isFalse();
    }
}
