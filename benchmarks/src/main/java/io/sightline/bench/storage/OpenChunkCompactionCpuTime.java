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
 * What compacting the open chunk costs per appended sample, both ways in one JVM and interleaved round by
 * round, so that both see the same machine load (end-to-end CPU times on the shared machine vary ±40 %
 * between runs, more than the difference). "whole" is the head's old open chunk: one XOR chunk, re-encoded
 * into the smallest codec when it is cut at 120 samples. "compacted" is HeadSeries's: an XOR tail that is
 * re-encoded together with the encoded prefix every {@code tail} samples (when it takes >= 2 bytes per
 * sample), and at the cut. Values: the mix of {@link StorageAppendBenchmark}. Arguments: tail samples
 * (default 40), rounds (default 9), least tail bytes per sample to compact (default 2).
 */
public final class OpenChunkCompactionCpuTime {
    private static final int SERIES = 10_000;
    private static final int CHUNK_SAMPLES = 120;
    private static final int SAMPLES_PER_ROUND = 2 * CHUNK_SAMPLES;

    private OpenChunkCompactionCpuTime() {
    }

    public static void main(String[] args) {
        int tail = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        int minBytesPerSample = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Variant whole = new Variant(CHUNK_SAMPLES, 0);
        Variant compacted = new Variant(tail, minBytesPerSample);
        double[] wholeNs = new double[rounds];
        double[] compactedNs = new double[rounds];
        double[] ratios = new double[rounds];
        for (int r = -2; r < rounds; r++) { // two warm-up rounds; the order alternates
            boolean isWholeFirst = (r & 1) == 0;
            long wholeCpu = 0;
            long compactedCpu = 0;
            for (int pass = 0; pass < 2; pass++) {
                boolean isWhole = (pass == 0) == isWholeFirst;
                long began = threads.getCurrentThreadCpuTime();
                (isWhole ? whole : compacted).round();
                long spent = threads.getCurrentThreadCpuTime() - began;
                if (isWhole) {
                    wholeCpu = spent;
                } else {
                    compactedCpu = spent;
                }
            }
            if (r >= 0) {
                wholeNs[r] = wholeCpu / (double) SERIES / SAMPLES_PER_ROUND;
                compactedNs[r] = compactedCpu / (double) SERIES / SAMPLES_PER_ROUND;
                ratios[r] = compactedNs[r] / wholeNs[r];
            }
        }
        Arrays.sort(wholeNs);
        Arrays.sort(compactedNs);
        Arrays.sort(ratios);
        System.out.printf("open chunk CPU ns/sample: whole %.1f, compacted (tail %d) %.1f, compacted / whole"
                        + " %.2f (median of the rounds' ratios); open bytes per series at"
                        + " the end: whole %.0f, compacted %.0f; %.2f compactions per series per chunk (medians of %d"
                        + " rounds x %d series x %d samples)%n",
                wholeNs[rounds / 2], tail, compactedNs[rounds / 2], ratios[rounds / 2], whole.openBytes(), compacted.openBytes(),
                compacted.compactions * (double) CHUNK_SAMPLES / SERIES / SAMPLES_PER_ROUND / (rounds + 2), rounds,
                SERIES, SAMPLES_PER_ROUND);
    }

    /** One open chunk per series: an XOR tail of up to {@code tail} samples after an encoded prefix. */
    private static final class Variant {
        private final int tail;
        private final int minBytesPerSample;
        private long compactions;
        private final HeadChunk[] tails = new HeadChunk[SERIES];
        private final byte[][] prefixes = new byte[SERIES][];
        private final int[] prefixCounts = new int[SERIES];
        private final double[] values = new double[SERIES];
        private final SplittableRandom random = new SplittableRandom(42);
        private final ChunkEncoder encoder = new ChunkEncoder();
        private final ChunkIterator iterator = new ChunkIterator();
        private final ChunkBuffer buffer = new ChunkBuffer(4096);
        private long timestamp = 1_700_000_000_000L;
        private long sink;

        Variant(int tail, int minBytesPerSample) {
            this.tail = tail;
            this.minBytesPerSample = minBytesPerSample;
            for (int i = 0; i < SERIES; i++) {
                tails[i] = new HeadChunk(tail);
            }
        }

        void round() {
            for (int s = 0; s < SAMPLES_PER_ROUND; s++) {
                for (int i = 0; i < SERIES; i++) {
                    values[i] = next(i, values[i]);
                    append(i, timestamp, values[i]);
                }
                timestamp += 15_000;
            }
        }

        private void append(int i, long t, double v) {
            HeadChunk h = tails[i];
            int n = prefixCounts[i] + h.count();
            if (n >= CHUNK_SAMPLES) {
                sink += encode(i).length; // sealed
                prefixes[i] = null;
                prefixCounts[i] = 0;
                h.reset();
            } else if (h.count() >= tail && h.sizeBytes() >= minBytesPerSample * h.count()) {
                compactions++;
                prefixes[i] = encode(i);
                prefixCounts[i] = n;
                h.reset();
            }
            h.append(t, v);
        }

        private byte[] encode(int i) {
            encoder.reset();
            byte[] prefix = prefixes[i];
            if (prefix != null) {
                encoder.appendAll(iterator.reset(prefix, 0, prefix.length));
            }
            encoder.appendAll(iterator.reset(tails[i]));
            buffer.clear();
            encoder.encode(buffer);
            return buffer.toByteArray();
        }

        double openBytes() {
            long bytes = 0;
            for (int i = 0; i < SERIES; i++) {
                bytes += tails[i].sizeBytes() + (prefixes[i] == null ? 0 : prefixes[i].length);
            }
            return (double) bytes / SERIES;
        }

        private double next(int i, double previous) {
            return switch (i & 3) {
                case 0, 1 -> previous + random.nextInt(50);
                case 2 -> Math.round((previous + random.nextInt(-100, 101) / 100.0) * 100) / 100.0;
                default -> random.nextInt(8) == 0 ? previous + 1 : previous;
            };
        }
    }
}
