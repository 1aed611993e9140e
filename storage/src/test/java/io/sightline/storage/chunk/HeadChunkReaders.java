package io.sightline.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntToDoubleFunction;
import java.util.function.IntToLongFunction;

/** A reader thread iterating a head chunk while the test's thread appends to it. */
final class HeadChunkReaders {
    private HeadChunkReaders() {
    }

    /**
     * Appends samples {@code 0..samples-1} to {@code head} while another thread keeps iterating it, and checks
     * that every iteration was a consistent prefix, bit for bit; returns the number of iterations (>= 1).
     */
    static int appendWhileReading(HeadChunk head, int samples, IntToLongFunction timestamp, IntToDoubleFunction value)
            throws InterruptedException {
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
                        assertThat(it.timestamp()).isEqualTo(timestamp.applyAsLong(n));
                        assertThat(Double.doubleToRawLongBits(it.value())).as("value %d", n)
                                .isEqualTo(Double.doubleToRawLongBits(value.applyAsDouble(n)));
                        n++;
                    }
                    assertThat(n).isEqualTo(it.count());
                    snapshots[0]++;
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        for (int i = 0; i < samples; i++) {
            head.append(timestamp.applyAsLong(i), value.applyAsDouble(i));
        }
        isDone.set(true);
        reader.join();
        assertThat(failure.get()).isNull();
        assertThat(snapshots[0]).isPositive();
        return snapshots[0];
    }
}
