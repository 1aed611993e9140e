package io.sightline.bench.storage;

import io.sightline.storage.index.ChronicleSeriesIndex;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Series registry cost as the calling thread's CPU time per series (wall time on a shared machine mostly measures
 * the wait for a core): each round opens a fresh registry (sized like the default {@code storage.max_series}),
 * registers {@code series} new label sets shaped like compare.sh's remote-write workload (10 exporters' worth
 * per 1,000 series: counters, histogram buckets, gauges), then looks every one up again in a reopened registry
 * (the path after a restart, when the head is empty but the registry is not). Prints the first round apart
 * (code not yet compiled: what a server pays when its series arrive right after start) and the medians of the
 * later ones. Arguments: series (default 100,000), rounds (default 7), batch (default 1: one
 * {@code getOrCreate} per series; N: {@code getOrCreateAll} over N series at a time, as a remote-write request's
 * new series are registered).
 */
public final class SeriesRegistryCpuTime {
    private static final long MAX_SERIES = 2_000_000;

    private SeriesRegistryCpuTime() {
    }

    public static void main(String[] args) throws IOException {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int[] ids = new int[series];
        Labels[] labels = new Labels[series];
        for (int i = 0; i < series; i++) {
            labels[i] = labels(i);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        TaggedAllocator allocator = new TaggedAllocator(DefaultFileFacade.INSTANCE);
        double[] create = new double[rounds];
        double[] lookup = new double[rounds];
        if (rounds < 2) {
            throw new IllegalArgumentException("rounds must be at least 2, got " + rounds);
        }
        for (int r = 0; r < rounds; r++) {
            Path dir = Files.createTempDirectory("registry-bench");
            try {
                try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, MAX_SERIES, allocator)) {
                    long began = threads.getCurrentThreadCpuTime();
                    if (batch == 1) {
                        for (Labels l : labels) {
                            index.getOrCreate(l);
                        }
                    } else {
                        for (int from = 0; from < series; from += batch) {
                            index.getOrCreateAll(labels, from, Math.min(series, from + batch), ids);
                        }
                    }
                    create[r] = (threads.getCurrentThreadCpuTime() - began) / (double) series;
                }
                try (ChronicleSeriesIndex index = ChronicleSeriesIndex.open(dir, MAX_SERIES, allocator)) {
                    long began = threads.getCurrentThreadCpuTime();
                    long sum = 0;
                    for (Labels l : labels) {
                        sum += index.getOrCreate(l);
                    }
                    lookup[r] = (threads.getCurrentThreadCpuTime() - began) / (double) series;
                    if (sum != (long) series * (series + 1) / 2) {
                        throw new IllegalStateException("BUG: ids changed across the reopen");
                    }
                }
            } finally {
                delete(dir);
            }
        }
        System.out.printf("registry CPU ns/series (%d series, batch %d): first round create %.0f, lookup after reopen %.0f;"
                        + " later %d rounds: create median %.0f min %.0f, lookup median %.0f min %.0f%n", series, batch,
                create[0], lookup[0], rounds - 1, median(create), min(create), median(lookup), min(lookup));
    }

    private static double median(double[] perRound) {
        double[] later = Arrays.copyOfRange(perRound, 1, perRound.length);
        Arrays.sort(later);
        return later[later.length / 2];
    }

    private static double min(double[] perRound) {
        return Arrays.stream(perRound, 1, perRound.length).min().orElseThrow();
    }

    /** Series {@code i}: 100 per exporter instance, as in RemoteWriteWorkload. */
    static Labels labels(int i) {
        String instance = "host-" + i / 100 + ":9100";
        int s = i % 100;
        String route = "/api/v1/r" + s % 5;
        if (s < 10) {
            return Labels.of("__name__", "http_requests_total", "code", s < 5 ? "200" : "500", "instance", instance,
                    "job", "api", "method", "GET", "route", route);
        }
        if (s < 75) {
            return Labels.of("__name__", "http_request_duration_seconds_bucket", "instance", instance, "job", "api",
                    "le", Integer.toString(s), "route", route);
        }
        return Labels.of("__name__", "node_hwmon_temp_celsius", "instance", instance, "job", "api", "sensor", "s" + s);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
