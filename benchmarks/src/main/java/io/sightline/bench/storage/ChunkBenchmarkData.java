package io.sightline.bench.storage;

import java.util.Random;

/**
 * Deterministic, realistic 15 s-interval series for the chunk benchmarks, one chunk per series. Kinds:
 * <ul>
 *   <li>COUNTER: request-style counters, rates from 0.01/s to 1000/s with Poisson-ish noise, occasional
 *       resets (process restarts);</li>
 *   <li>GAUGE: random walks rounded to 2 or 3 decimals (temperatures, queue depths, ratios like 0.25);</li>
 *   <li>HISTOGRAM: cumulative bucket counters of 12-bucket latency histograms (many buckets move slowly);</li>
 *   <li>FLOAT_GAUGE: full-precision computed gauges (CPU ratios, averages) that only XOR can compress.</li>
 * </ul>
 * MIXED interleaves them 30 % counters, 25 % gauges, 35 % histogram buckets, 10 % float gauges. Timestamps are
 * exactly 15 s apart unless {@code jitterMillis > 0}, when each scrape is late by 0..jitterMillis ms.
 */
public final class ChunkBenchmarkData {
    public static final long INTERVAL_MILLIS = 15_000;
    private static final double[] BUCKET_FRACTIONS = {0.02, 0.08, 0.2, 0.4, 0.6, 0.75, 0.87, 0.94, 0.97, 0.99, 0.998, 1};

    /** Timestamps of series i, {@code [0, samples)}. */
    public final long[][] timestamps;
    /** Values of series i, {@code [0, samples)}. */
    public final double[][] values;

    private ChunkBenchmarkData(int series, int samples) {
        timestamps = new long[series][samples];
        values = new double[series][samples];
    }

    public int totalSamples() {
        int n = 0;
        for (long[] ts : timestamps) {
            n += ts.length;
        }
        return n;
    }

    /** Generates {@code series} chunks of {@code samples} samples of one kind; same seed, same data. */
    public static ChunkBenchmarkData generate(String kind, int series, int samples, int jitterMillis, long seed) {
        ChunkBenchmarkData data = new ChunkBenchmarkData(series, samples);
        Random random = new Random(seed);
        long start = 1_764_000_000_000L;
        for (int s = 0; s < series; s++) {
            String k = kind.equals("MIXED") ? mixedKind(s) : kind;
            long t = start + random.nextInt(15_000);
            for (int i = 0; i < samples; i++) {
                data.timestamps[s][i] = t + (jitterMillis > 0 ? random.nextInt(jitterMillis + 1) : 0);
                t += INTERVAL_MILLIS;
            }
            switch (k) {
                case "COUNTER" -> counter(random, data.values[s]);
                case "GAUGE" -> gauge(random, data.values[s]);
                case "HISTOGRAM" -> histogramBucket(random, data.values[s], s % BUCKET_FRACTIONS.length);
                case "FLOAT_GAUGE" -> floatGauge(random, data.values[s]);
                default -> throw new IllegalArgumentException("unknown data kind " + k
                        + "; use COUNTER, GAUGE, HISTOGRAM, FLOAT_GAUGE or MIXED");
            }
        }
        return data;
    }

    private static String mixedKind(int series) {
        int slot = series % 20;
        if (slot < 6) {
            return "COUNTER";
        }
        if (slot < 11) {
            return "GAUGE";
        }
        return slot < 18 ? "HISTOGRAM" : "FLOAT_GAUGE";
    }

    private static void counter(Random random, double[] out) {
        double ratePerScrape = Math.pow(10, random.nextDouble() * 5 - 2) * 15; // 0.15 .. 15000 per scrape
        boolean isConstantRate = random.nextInt(5) == 0; // e.g. uptime seconds, heartbeat counters
        double v = random.nextInt(1_000_000);
        for (int i = 0; i < out.length; i++) {
            if (random.nextInt(5_000) == 0) {
                v = 0;
            }
            v += isConstantRate ? Math.round(ratePerScrape) : poissonish(random, ratePerScrape);
            out[i] = v;
        }
    }

    private static void gauge(Random random, double[] out) {
        double scale = random.nextBoolean() ? 100 : 1000;
        double v = random.nextInt(10_000) / scale;
        double step = Math.pow(10, random.nextInt(3)) / scale * 5;
        for (int i = 0; i < out.length; i++) {
            if (random.nextInt(4) != 0) {
                v = Math.round((v + random.nextGaussian() * step) * scale) / scale;
            }
            out[i] = v;
        }
    }

    private static void histogramBucket(Random random, double[] out, int bucket) {
        double observationsPerScrape = Math.pow(10, random.nextDouble() * 3.5 - 1) * 15;
        double fraction = BUCKET_FRACTIONS[bucket];
        double v = Math.floor(random.nextInt(100_000) * fraction);
        for (int i = 0; i < out.length; i++) {
            v += poissonish(random, observationsPerScrape * fraction);
            out[i] = v;
        }
    }

    private static void floatGauge(Random random, double[] out) {
        double level = random.nextDouble() * 4;
        for (int i = 0; i < out.length; i++) {
            level = Math.abs(level + random.nextGaussian() * 0.05);
            out[i] = level / 3.0 * (1 + random.nextGaussian() * 0.01);
        }
    }

    /** A non-negative integer near {@code mean}: Poisson for small means, normal approximation above. */
    private static long poissonish(Random random, double mean) {
        if (mean < 30) {
            double l = Math.exp(-mean);
            double p = random.nextDouble();
            long k = 0;
            while (p > l) {
                p *= random.nextDouble();
                k++;
            }
            return k;
        }
        return Math.max(0, Math.round(mean + random.nextGaussian() * Math.sqrt(mean)));
    }
}
