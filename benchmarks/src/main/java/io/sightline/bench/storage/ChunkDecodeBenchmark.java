package io.sightline.bench.storage;

import com.github.luben.zstd.Zstd;
import io.sightline.storage.chunk.BlockChunkHeader;
import io.sightline.storage.chunk.ChunkBuffer;
import io.sightline.storage.chunk.ChunkEncoder;
import io.sightline.storage.chunk.ChunkIterator;
import io.sightline.storage.chunk.HeadChunk;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Chunk decoding throughput, in samples per second (one operation = one sample): sealed chunks from a
 * heap array, from an off-heap {@link MemorySegment} (what a mapped block file gives), open head chunks,
 * and sealed chunks behind zstd (decompressing the block's concatenated chunks into a reused buffer, then
 * iterating). The setup prints bytes per sample with and without zstd.
 */
public class ChunkDecodeBenchmark extends ChunkBenchmark {
    @Param({"3"})
    public int zstdLevel;

    private final ChunkIterator it = new ChunkIterator();
    private final HeadChunk[] heads = new HeadChunk[SERIES];
    private final int[] offsets = new int[SERIES + 1];
    private byte[] block;
    private byte[] compressed;
    private byte[] decompressed;
    private Arena arena;
    private MemorySegment mapped;
    /** The same chunks as a version-2 block holds them: header without times, which come from the index. */
    private MemorySegment blockChunks;
    private final int[] blockOffsets = new int[SERIES + 1];
    private final long[] minTimes = new long[SERIES];
    private final long[] maxTimes = new long[SERIES];

    @Setup(Level.Trial)
    public void setUp() {
        ChunkBenchmarkData data = generate();
        ChunkEncoder encoder = new ChunkEncoder();
        ChunkBuffer out = new ChunkBuffer(1 << 20);
        for (int s = 0; s < SERIES; s++) {
            encoder.reset();
            heads[s] = new HeadChunk(SAMPLES_PER_CHUNK);
            for (int i = 0; i < SAMPLES_PER_CHUNK; i++) {
                encoder.append(data.timestamps[s][i], data.values[s][i]);
                heads[s].append(data.timestamps[s][i], data.values[s][i]);
            }
            offsets[s] = out.length();
            encoder.encode(out);
        }
        offsets[SERIES] = out.length();
        block = out.toByteArray();
        compressed = Zstd.compress(block, zstdLevel);
        decompressed = new byte[block.length];
        arena = Arena.ofShared();
        mapped = arena.allocate(block.length + 64L);
        MemorySegment.copy(block, 0, mapped, ValueLayout.JAVA_BYTE, 0, block.length);
        BlockChunkHeader header = new BlockChunkHeader();
        java.io.ByteArrayOutputStream v2 = new java.io.ByteArrayOutputStream(block.length);
        for (int s = 0; s < SERIES; s++) {
            minTimes[s] = data.timestamps[s][0];
            maxTimes[s] = data.timestamps[s][SAMPLES_PER_CHUNK - 1];
            int length = offsets[s + 1] - offsets[s];
            header.of(mapped, offsets[s], length, minTimes[s], maxTimes[s]);
            blockOffsets[s] = v2.size();
            v2.write(header.bytes(), 0, header.length());
            v2.write(block, offsets[s] + header.replaced(), length - header.replaced());
        }
        blockOffsets[SERIES] = v2.size();
        blockChunks = arena.allocate(v2.size() + 64L);
        MemorySegment.copy(v2.toByteArray(), 0, blockChunks, ValueLayout.JAVA_BYTE, 0, v2.size());
        System.out.printf("%n[chunk size] kind=%s jitter=%dms samples=%d sealed=%.3f B/sample zstd-%d=%.3f B/sample%n",
                kind, jitterMillis, TOTAL, block.length / (double) TOTAL, zstdLevel,
                compressed.length / (double) TOTAL);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(TOTAL)
    public double sealedFromArray() {
        double sum = 0;
        for (int s = 0; s < SERIES; s++) {
            it.reset(block, offsets[s], offsets[s + 1] - offsets[s]);
            while (it.next()) {
                sum += it.value() + it.timestamp();
            }
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(TOTAL)
    public double sealedFromSegment() {
        double sum = 0;
        for (int s = 0; s < SERIES; s++) {
            it.reset(mapped, offsets[s], offsets[s + 1] - offsets[s]);
            while (it.next()) {
                sum += it.value() + it.timestamp();
            }
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(TOTAL)
    public double blockChunksFromSegment() {
        double sum = 0;
        for (int s = 0; s < SERIES; s++) {
            it.reset(blockChunks, blockOffsets[s], blockOffsets[s + 1] - blockOffsets[s], minTimes[s], maxTimes[s]);
            while (it.next()) {
                sum += it.value() + it.timestamp();
            }
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(TOTAL)
    public double headChunks() {
        double sum = 0;
        for (int s = 0; s < SERIES; s++) {
            it.reset(heads[s]);
            while (it.next()) {
                sum += it.value() + it.timestamp();
            }
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(TOTAL)
    public double sealedBehindZstd() {
        long n = Zstd.decompressByteArray(decompressed, 0, decompressed.length, compressed, 0, compressed.length);
        if (n != block.length) {
            throw new IllegalStateException("zstd returned " + n + " bytes, expected " + block.length);
        }
        double sum = 0;
        for (int s = 0; s < SERIES; s++) {
            it.reset(decompressed, offsets[s], offsets[s + 1] - offsets[s]);
            while (it.next()) {
                sum += it.value() + it.timestamp();
            }
        }
        return sum;
    }
}
