package io.sightline.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Hot paths allocate nothing once warm: head appends, sealing, and iteration from every source. Counted
 * with the thread's allocated-bytes counter, so it does not depend on timing or on escape analysis.
 */
class ChunkAllocationTest {
    private static final int SAMPLES = 120;
    private static final int ROUNDS = 2_000;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final long[] ts = new long[SAMPLES];
    private final double[] vs = new double[SAMPLES];
    private final double[] floats = new double[SAMPLES];

    ChunkAllocationTest() {
        for (int i = 0; i < SAMPLES; i++) {
            ts[i] = 1_764_000_000_000L + i * 15_000L + (i % 5 == 0 ? 3 : 0);
            vs[i] = 1000 + i * 7.25;
            floats[i] = Math.sqrt(i + 0.5);
        }
    }

    @Test
    void appendingSealingAndIteratingAllocateNothingOnceWarm() {
        HeadChunk head = new HeadChunk(SAMPLES);
        ChunkEncoder encoder = new ChunkEncoder();
        ChunkBuffer out = new ChunkBuffer(4096);
        ChunkIterator it = new ChunkIterator();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mapped = arena.allocate(4096);
            double sink = 0;
            for (int warm = 0; warm < 2; warm++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int round = 0; round < ROUNDS; round++) {
                    double[] values = round % 2 == 0 ? vs : floats;
                    head.reset();
                    for (int i = 0; i < SAMPLES; i++) {
                        head.append(ts[i], values[i]);
                    }
                    sink += drain(it.reset(head));
                    out.clear();
                    encoder.reset();
                    encoder.appendAll(it.reset(head));
                    int length = encoder.encode(out);
                    sink += drain(it.reset(out.array(), 0, length));
                    MemorySegment.copy(out.array(), 0, mapped, ValueLayout.JAVA_BYTE, 0, length);
                    sink += drain(it.reset(mapped, 0, length));
                    it.seek(ts[SAMPLES / 2]);
                }
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                if (warm == 1) {
                    assertThat(allocated).as("bytes allocated by %d rounds once warm", ROUNDS).isLessThan(1024);
                }
            }
            assertThat(sink).isNotZero();
        }
    }

    private static double drain(ChunkIterator it) {
        double sum = 0;
        while (it.next()) {
            sum += it.value() + it.timestamp();
        }
        return sum;
    }
}
