package io.sightline.bench.storage;

import io.sightline.storage.chunk.ChunkBuffer;
import io.sightline.storage.chunk.ChunkEncoder;
import io.sightline.storage.chunk.ChunkIterator;
import io.sightline.storage.chunk.HeadChunk;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The head's open chunk alone, as thread CPU ns per sample (medians over rounds): appending a chunk's 120
 * samples to each of 10,000 chunks, decoding them all (ten times: a query's iteration of open chunks), and
 * sealing them (decode and re-encode in the smallest codec, as HeadSeries.seal). Values: StorageAppendBenchmark's
 * mix (counters, gauges in cents, flat buckets) plus temperatures in hundredths. Run a base and a changed
 * build alternately; the source uses only the public chunk API, so it runs against either. Argument: rounds
 * (default 11).
 */
public final class OpenChunkCpuTime {
    private OpenChunkCpuTime() {
    }

    public static void main(String[] args) {
        int series = 10_000;
        int samples = 120;
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        HeadChunk[] heads = new HeadChunk[series];
        double[] v = new double[series];
        for (int i = 0; i < series; i++) {
            heads[i] = new HeadChunk(samples);
        }
        double[][] vals = new double[samples][series];
        SplittableRandom random = new SplittableRandom(42);
        ChunkEncoder encoder = new ChunkEncoder();
        ChunkIterator it = new ChunkIterator();
        ChunkBuffer buffer = new ChunkBuffer(1 << 16);
        double[] append = new double[rounds];
        double[] seal = new double[rounds];
        double[] decode = new double[rounds];
        long t0 = 1_700_000_000_000L;
        double sink = 0;
        for (int r = -3; r < rounds; r++) {
            for (int s = 0; s < samples; s++) {
                for (int i = 0; i < series; i++) {
                    v[i] = switch (i & 7) {
                        case 0, 1, 2 -> v[i] + random.nextInt(50);
                        case 3, 4 -> Math.round((v[i] + random.nextInt(-100, 101) / 100.0) * 100) / 100.0;
                        case 5 -> 40 + Math.round(random.nextGaussian() * 100) / 100.0;
                        default -> random.nextInt(8) == 0 ? v[i] + 1 : v[i];
                    };
                    vals[s][i] = v[i];
                }
            }
            long c = threads.getCurrentThreadCpuTime();
            for (int s = 0; s < samples; s++) {
                long t = t0 + s * 15_000L;
                double[] row = vals[s];
                for (int i = 0; i < series; i++) {
                    heads[i].append(t, row[i]);
                }
            }
            long a = threads.getCurrentThreadCpuTime();
            for (int rep = 0; rep < 10; rep++) {
                for (int i = 0; i < series; i++) {
                    it.reset(heads[i]);
                    while (it.next()) {
                        sink += it.value();
                    }
                }
            }
            long d = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < series; i++) {
                encoder.reset();
                encoder.appendAll(it.reset(heads[i]));
                buffer.clear();
                sink += encoder.encode(buffer);
                heads[i].reset();
            }
            long e = threads.getCurrentThreadCpuTime();
            t0 += samples * 15_000L;
            if (r >= 0) {
                append[r] = (a - c) / (double) (series * samples);
                decode[r] = (d - a) / (double) (10L * series * samples);
                seal[r] = (e - d) / (double) (series * samples);
            }
        }
        Arrays.sort(append);
        Arrays.sort(seal);
        Arrays.sort(decode);
        System.out.printf("open chunk CPU ns/sample medians: append %.1f decode %.1f seal %.1f (sink %s)%n",
                append[rounds / 2], decode[rounds / 2], seal[rounds / 2], sink != 0);
    }
}
