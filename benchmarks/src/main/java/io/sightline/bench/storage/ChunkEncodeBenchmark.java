package io.sightline.bench.storage;

import com.github.luben.zstd.Zstd;
import io.sightline.storage.chunk.ChunkBuffer;
import io.sightline.storage.chunk.ChunkEncoder;
import io.sightline.storage.chunk.HeadChunk;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;

/**
 * Chunk encoding throughput, in samples per second (one operation = one sample): sealing chunks with
 * {@link ChunkEncoder} (codec choice included) and appending to open {@link HeadChunk}s. The setup prints
 * the encoded bytes per sample of each data kind.
 */
public class ChunkEncodeBenchmark extends ChunkBenchmark {
    private ChunkBenchmarkData data;
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final ChunkBuffer out = new ChunkBuffer(1 << 20);
    private final HeadChunk[] heads = new HeadChunk[SERIES];

    /**
     * Prints bytes per sample for every data kind, chunk length and jitter: head (Gorilla-style) chunks,
     * sealed chunks, and sealed chunks under zstd level 3. Not a benchmark; a size report.
     */
    public static void main(String[] args) {
        int series = 400;
        System.out.println("kind         jitter samples/chunk   head  sealed  sealed+zstd3");
        for (int jitter : new int[] {0, 20}) {
            for (int samples : new int[] {120, 480}) {
                for (String kind : new String[] {"COUNTER", "GAUGE", "HISTOGRAM", "FLOAT_GAUGE", "MIXED"}) {
                    ChunkBenchmarkData data = ChunkBenchmarkData.generate(kind, series, samples, jitter, 42);
                    ChunkEncoder encoder = new ChunkEncoder();
                    ChunkBuffer sealed = new ChunkBuffer(1 << 20);
                    ChunkBuffer head = new ChunkBuffer(1 << 20);
                    for (int s = 0; s < series; s++) {
                        HeadChunk chunk = new HeadChunk(samples);
                        for (int i = 0; i < samples; i++) {
                            chunk.append(data.timestamps[s][i], data.values[s][i]);
                        }
                        chunk.encodeTo(head);
                        encoder.encode(data.timestamps[s], data.values[s], samples, sealed);
                    }
                    double total = data.totalSamples();
                    System.out.printf("%-12s %4dms %14d %6.3f %7.3f %13.3f%n", kind, jitter, samples,
                            head.length() / total, sealed.length() / total,
                            Zstd.compress(sealed.toByteArray(), 3).length / total);
                }
            }
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        data = generate();
        for (int s = 0; s < SERIES; s++) {
            heads[s] = new HeadChunk(SAMPLES_PER_CHUNK);
        }
        int sealed = sealAll();
        int head = appendAll();
        System.out.printf("%n[chunk size] kind=%s jitter=%dms samples=%d sealed=%.3f B/sample head=%.3f B/sample%n",
                kind, jitterMillis, TOTAL, sealed / (double) TOTAL, head / (double) TOTAL);
    }

    @Benchmark
    @OperationsPerInvocation(TOTAL)
    public int sealChunks() {
        return sealAll();
    }

    @Benchmark
    @OperationsPerInvocation(TOTAL)
    public int appendToHeadChunks() {
        return appendAll();
    }

    private int sealAll() {
        out.clear();
        for (int s = 0; s < SERIES; s++) {
            long[] ts = data.timestamps[s];
            double[] vs = data.values[s];
            encoder.reset();
            for (int i = 0; i < ts.length; i++) {
                encoder.append(ts[i], vs[i]);
            }
            encoder.encode(out);
        }
        return out.length();
    }

    private int appendAll() {
        out.clear();
        int bytes = 0;
        for (int s = 0; s < SERIES; s++) {
            long[] ts = data.timestamps[s];
            double[] vs = data.values[s];
            HeadChunk head = heads[s];
            head.reset();
            for (int i = 0; i < ts.length; i++) {
                head.append(ts[i], vs[i]);
            }
            bytes += head.encodeTo(out);
        }
        return bytes;
    }
}
