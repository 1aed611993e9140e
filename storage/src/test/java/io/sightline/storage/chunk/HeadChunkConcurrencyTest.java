package io.sightline.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
        AtomicBoolean isDone = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int[] snapshots = new int[1];
        Thread reader = Thread.ofPlatform().name("head-chunk-reader").start(() -> {
            ChunkIterator it = new ChunkIterator();
            try {
                while (!isDone.get() || snapshots[0] == 0) {
                    it.reset(head);
                    int n = 0;
                    while (it.next()) {
                        assertThat(it.timestamp()).isEqualTo(timestamp(n));
                        assertThat(Double.doubleToRawLongBits(it.value()))
                                .isEqualTo(Double.doubleToRawLongBits(value(n)));
                        n++;
                    }
                    assertThat(n).isEqualTo(it.count());
                    snapshots[0]++;
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        for (int i = 0; i < SAMPLES; i++) {
            head.append(timestamp(i), value(i));
        }
        isDone.set(true);
        reader.join();
        assertThat(failure.get()).isNull();
        assertThat(snapshots[0]).isPositive();
        assertThat(new ChunkIterator().reset(head).count()).isEqualTo(SAMPLES);
    }

    private static long timestamp(int i) {
        return 1_764_000_000_000L + i * 15_000L + (i % 7 == 0 ? i % 1000 : 0);
    }

    private static double value(int i) {
        return i % 11 == 0 ? Double.NaN : Math.sqrt(i) * (i % 3 - 1);
    }
}
