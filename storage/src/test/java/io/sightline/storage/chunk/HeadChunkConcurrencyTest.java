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

    private static long timestamp(int i) {
        return 1_764_000_000_000L + i * 15_000L + (i % 7 == 0 ? i % 1000 : 0);
    }

    private static double value(int i) {
        return i % 11 == 0 ? Double.NaN : Math.sqrt(i) * (i % 3 - 1);
    }
}
