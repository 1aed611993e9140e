package io.sightline.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * One thread appends to a head chunk (growing its arrays many times) while another keeps iterating it:
 * every snapshot must be a consistent prefix, sample for sample.
 */
class HeadChunkConcurrencyTest {
    private static final int SAMPLES = 200_000;

    @Test
    void readersSeeAConsistentPrefixWhileTheWriterAppends() throws InterruptedException {
        HeadChunk head = new HeadChunk(1);
        HeadChunkReaders.appendWhileReading(head, SAMPLES, HeadChunkConcurrencyTest::timestamp,
                HeadChunkConcurrencyTest::value);
        assertThat(new ChunkIterator().reset(head).count()).isEqualTo(SAMPLES);
    }

    @Test
    void readersSeeAConsistentPrefixWhileBothColumnsOfTheSharedArrayGrowAndTheValuesReencode() throws InterruptedException {
        // Both columns live in one array: jittered timestamps grow the timestamp region (moving the values
        // column), decimals with more and more digits re-encode the values column, and a NaN late in the chunk
        // turns it to XOR; every step publishes a new array that readers must split as it was written.
        HeadChunk head = new HeadChunk(1);
        int samples = 50_000;
        HeadChunkReaders.appendWhileReading(head, samples, i -> 1_764_000_000_000L + i * 15_000L + (i * 7919L) % 977,
                HeadChunkConcurrencyTest::decimalThenXor);
        ChunkIterator it = new ChunkIterator().reset(head);
        assertThat(it.count()).isEqualTo(samples);
        for (int i = 0; i < samples; i++) {
            assertThat(it.next()).isTrue();
            assertThat(Double.doubleToRawLongBits(it.value())).isEqualTo(Double.doubleToRawLongBits(decimalThenXor(i)));
        }
    }

    @Test
    void readersSeeAConsistentPrefixWhileLongCodesGrowBothColumnsAtTheirExactEnds() throws InterruptedException {
        // Each code checks only the room its own bits need: long value codes (jumps to 11 digits)
        // and long timestamp codes (gaps of minutes to days) land at the columns' very ends, and the
        // timestamp writes reach into the values column that a reader copies at the same time.
        HeadChunk head = new HeadChunk(120);
        int samples = 50_000;
        HeadChunkReaders.appendWhileReading(head, samples, HeadChunkConcurrencyTest::gappyTimestamp,
                i -> i % 13 == 0 ? 12_345_678_901.0 - i : 40 + (i * 37 % 101) / 100.0);
        assertThat(new ChunkIterator().reset(head).count()).isEqualTo(samples);
    }

    private static long gappyTimestamp(int i) {
        long t = 1_764_000_000_000L + i * 15_000L;
        return t + (i / 7) * 600_000L + (i / 31) * 86_400_000L;
    }

    /** Whole numbers, then 1, 2 and 3 fraction digits, then a NaN, then anything. */
    private static double decimalThenXor(int i) {
        if (i < 10_000) {
            return i;
        } else if (i < 40_000) {
            int digits = 1 + (i - 10_000) / 10_000;
            return Math.round(i * 1.37 * Math.pow(10, digits)) / Math.pow(10, digits);
        }
        return i == 40_000 ? Double.NaN : Math.sqrt(i);
    }

    private static long timestamp(int i) {
        return 1_764_000_000_000L + i * 15_000L + (i % 7 == 0 ? i % 1000 : 0);
    }

    private static double value(int i) {
        return i % 11 == 0 ? Double.NaN : Math.sqrt(i) * (i % 3 - 1);
    }
}
