package io.sightline.bench.e2e;

import com.google.protobuf.CodedOutputStream;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic remote-write workload of realistic scrape targets, 100 series each ({@code job="api"},
 * {@code instance="host-N:9100"}):
 * <ul>
 *   <li>{@code http_requests_total{method="GET",route,code}}: 5 routes x codes 200 and 500 (about 2% errors);</li>
 *   <li>{@code http_request_duration_seconds_bucket{route,le}} (10 bounds and +Inf), {@code _sum}, {@code _count}:
 *       a classic histogram per route, buckets cumulative and consistent with the request counter;</li>
 *   <li>{@code process_cpu_seconds_total}, {@code process_resident_memory_bytes}, and 23
 *       {@code node_hwmon_temp_celsius{sensor}} gauges;</li>
 * </ul>
 * scraped every 15 s. Each target restarts (all its counters drop to 0) with a 0.2% chance per scrape, so
 * counters have resets. The same seed and parameters give byte-identical requests, so every system under test
 * is fed the very same payloads. Requests hold up to {@code batch} samples of one round, series in target
 * order, as a Prometheus remote-write shard sends them.
 */
final class RemoteWriteWorkload {
    static final int SERIES_PER_TARGET = 100;
    static final long INTERVAL_MS = 15_000;
    private static final int ROUTES = 5;
    private static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
    private static final String[] LE = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"};

    private final int targets;
    private final int batch;
    private final long startMillis;
    private final byte[][][] labelBytes; // [target][series] -> encoded Label fields of the series
    private final double[][] state;     // [target][series] current value
    private final SplittableRandom random = new SplittableRandom(42);

    RemoteWriteWorkload(int series, int batch, long startMillis) {
        this.targets = Math.max(1, series / SERIES_PER_TARGET);
        this.batch = batch;
        this.startMillis = startMillis;
        this.labelBytes = new byte[targets][SERIES_PER_TARGET][];
        this.state = new double[targets][SERIES_PER_TARGET];
        for (int t = 0; t < targets; t++) {
            List<String[]> names = seriesLabels(t);
            for (int s = 0; s < SERIES_PER_TARGET; s++) {
                labelBytes[t][s] = encodeLabels(names.get(s));
            }
            state[t][97] = 5e7 + random.nextInt(1_000_000);
        }
    }

    int series() {
        return targets * SERIES_PER_TARGET;
    }

    /** Requests per round. */
    int batchesPerRound() {
        return (series() + batch - 1) / batch;
    }

    /** The snappy-compressed requests of round {@code r} (advances the simulated values), in series order. */
    /** The timestamp of round {@code r}'s samples. */
    long timestamp(int r) {
        return startMillis + r * INTERVAL_MS;
    }

    List<byte[]> round(int r) {
        long ts = timestamp(r);
        double[] values = values();
        List<byte[]> requests = new ArrayList<>(batchesPerRound());
        ByteArrayOutputStream buf = new ByteArrayOutputStream(batch * 160);
        ByteArrayOutputStream one = new ByteArrayOutputStream(256);
        for (int from = 0; from < series(); from += batch) {
            buf.reset();
            try {
                CodedOutputStream out = CodedOutputStream.newInstance(buf);
                for (int i = from; i < Math.min(series(), from + batch); i++) {
                    one.reset();
                    CodedOutputStream ts1 = CodedOutputStream.newInstance(one);
                    ts1.writeRawBytes(labelBytes[i / SERIES_PER_TARGET][i % SERIES_PER_TARGET]);
                    ts1.writeTag(2, 2);
                    ts1.writeUInt32NoTag(9 + CodedOutputStream.computeInt64Size(2, ts));
                    ts1.writeDouble(1, values[i]);
                    ts1.writeInt64(2, ts);
                    ts1.flush();
                    out.writeByteArray(1, one.toByteArray());
                }
                out.flush();
                requests.add(Snappy.compress(buf.toByteArray()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return requests;
    }

    /** The next round's value of every series, in series order (advances the simulated values). */
    double[] values() {
        double[] values = new double[series()];
        for (int t = 0; t < targets; t++) {
            scrape(t, values, t * SERIES_PER_TARGET);
        }
        return values;
    }

    /** Series {@code i}'s labels as name, value pairs (for in-process benchmarks that append directly). */
    String[] labels(int i) {
        return seriesLabels(i / SERIES_PER_TARGET).get(i % SERIES_PER_TARGET);
    }

    /** One scrape of target {@code t}: updates its state and copies the 100 values to {@code out[at..]}. */
    private void scrape(int t, double[] out, int at) {
        double[] s = state[t];
        if (random.nextInt(500) == 0) { // the process restarted: counters start from zero
            java.util.Arrays.fill(s, 0, 97, 0);
        }
        for (int route = 0; route < ROUTES; route++) {
            int requests = random.nextInt(50 * (route + 1));
            int errors = 0;
            for (int i = 0; i < requests; i++) {
                if (random.nextInt(50) == 0) {
                    errors++;
                }
            }
            s[route * 2] += requests - errors;          // code 200
            s[route * 2 + 1] += errors;                 // code 500
            int h = 10 + route * 13;                    // 11 buckets, _sum, _count
            double sum = 0;
            for (int i = 0; i < requests; i++) {
                double latency = Math.exp(random.nextDouble() * 6 - 6.5) * (1 + route);
                sum += latency;
                for (int b = 0; b < BOUNDS.length; b++) {
                    if (latency <= BOUNDS[b]) {
                        s[h + b]++;
                    }
                }
            }
            s[h + 10] += requests;
            s[h + 11] = Math.round((s[h + 11] + sum) * 1e6) / 1e6;
            s[h + 12] += requests;
        }
        s[75] = Math.round((s[75] + random.nextDouble() * 0.3) * 100) / 100.0; // process_cpu_seconds_total
        s[97] = s[97] + (random.nextInt(2001) - 1000) * 4096;                     // resident memory, gauge
        for (int g = 76; g < 97; g++) {
            s[g] = 40 + (g - 76) + Math.round(random.nextGaussian() * 100) / 100.0; // temperatures
        }
        s[98] = 40 + Math.round(random.nextGaussian() * 100) / 100.0;
        s[99] = 41 + Math.round(random.nextGaussian() * 100) / 100.0;
        System.arraycopy(s, 0, out, at, SERIES_PER_TARGET);
    }

    /** The 100 series of target {@code t}, in the index order {@link #scrape} fills; labels as name, value... */
    private static List<String[]> seriesLabels(int t) {
        String instance = "host-" + t + ":9100";
        List<String[]> all = new ArrayList<>(SERIES_PER_TARGET);
        for (int route = 0; route < ROUTES; route++) {
            for (String code : new String[]{"200", "500"}) {
                all.add(new String[]{"__name__", "http_requests_total", "code", code, "instance", instance, "job", "api",
                        "method", "GET", "route", "/api/v1/r" + route});
            }
        }
        for (int route = 0; route < ROUTES; route++) {
            for (String le : LE) {
                all.add(new String[]{"__name__", "http_request_duration_seconds_bucket", "instance", instance, "job", "api",
                        "le", le, "route", "/api/v1/r" + route});
            }
            all.add(new String[]{"__name__", "http_request_duration_seconds_sum", "instance", instance, "job", "api",
                    "route", "/api/v1/r" + route});
            all.add(new String[]{"__name__", "http_request_duration_seconds_count", "instance", instance, "job", "api",
                    "route", "/api/v1/r" + route});
        }
        // after 10 counters and 5 x 13 histogram series come index 75 (cpu) and 76..96, 98, 99 (temperatures)
        all.add(new String[]{"__name__", "process_cpu_seconds_total", "instance", instance, "job", "api"});
        for (int g = 0; g < 21; g++) {
            all.add(new String[]{"__name__", "node_hwmon_temp_celsius", "instance", instance, "job", "api", "sensor", "s" + g});
        }
        all.add(new String[]{"__name__", "process_resident_memory_bytes", "instance", instance, "job", "api"});
        all.add(new String[]{"__name__", "node_hwmon_temp_celsius", "instance", instance, "job", "api", "sensor", "s21"});
        all.add(new String[]{"__name__", "node_hwmon_temp_celsius", "instance", instance, "job", "api", "sensor", "s22"});
        if (all.size() != SERIES_PER_TARGET) {
            throw new IllegalStateException("BUG: " + all.size() + " series per target");
        }
        return all;
    }

    /** Label fields (TimeSeries field 1), sorted by name as Prometheus sends them. */
    private static byte[] encodeLabels(String[] nameValues) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(b);
            for (int i = 0; i < nameValues.length; i += 2) {
                byte[] n = nameValues[i].getBytes(StandardCharsets.UTF_8);
                byte[] v = nameValues[i + 1].getBytes(StandardCharsets.UTF_8);
                out.writeTag(1, 2);
                out.writeUInt32NoTag(CodedOutputStream.computeByteArraySize(1, n) + CodedOutputStream.computeByteArraySize(2, v));
                out.writeByteArray(1, n);
                out.writeByteArray(2, v);
            }
            out.flush();
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
