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
        HeadChunk head = new HeadChunk(SAMPLES);
        for (int i = 0; i < SAMPLES; i++) {
            head.append(START + i * 15_000L, 40 + Math.round(random.nextGaussian() * 100) / 100.0);
        }
        int used = head.valueByteLength();
        // Doubling from 136 B ends at 1,088 B for these ~790 B (1.37x), growth by half at 1,032 B (1.30x).
        assertThat(head.valueCapacity()).as("capacity for %d used bytes", used)
                .isBetween(used + 8, used * 115 / 100 + 18);
    }

    @Test
    void aCountersValuesColumnEndsWithinFifteenPercentOfWhatItsSamplesNeed() {
        SplittableRandom random = new SplittableRandom(11);
        HeadChunk head = new HeadChunk(SAMPLES);
        double v = 5_000;
        for (int i = 0; i < SAMPLES; i++) {
            v += random.nextInt(150);
            head.append(START + i * 15_000L, v);
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
