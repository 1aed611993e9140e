package io.sightline.bench.query;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryEngine;
import io.sightline.query.QueryEngines;
import io.sightline.query.QueryOptions;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The data and queries of {@link RangeQueryBenchmark}, measured as the querying thread's CPU time rather than
 * wall time: on a shared, overloaded machine wall time mostly measures the wait for a core, CPU time does not.
 * Run two builds one after the other and compare the medians. Arguments: measured runs per query (default 12),
 * then {@code head} (default) or {@code blocks} (queries read a snapshot of the data opened as the data directory).
 */
public final class RangeQueryCpuTime {
    private static final int SERIES = 10_000;
    private static final long STEP = RangeQueryBenchmark.STEP;
    private static final long START = RangeQueryBenchmark.START;
    private static final long END = RangeQueryBenchmark.END;
    private static final String[] QUERIES = {
            "sum by (job) (rate(http_requests_total[5m]))",
            "rate(http_requests_total[5m])",
            "http_requests_total",
            "topk(5, max by (instance) (http_requests_total))",
            "sum by (job) (rate(http_requests_total{path=\"/api/v1\"}[5m])) / sum by (job) (rate(http_requests_total[5m]))"};

    private RangeQueryCpuTime() {
    }

    public static void main(String[] args) throws IOException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        String source = args.length > 1 ? args[1] : "head";
        Path dir = Files.createTempDirectory("range-query-cpu");
        Storage filled = Storage.open(new StorageConfig(dir, 2 * 3_600_000L, 15 * 24 * 3_600_000L,
                WalSyncMode.NEVER, 1_000, 128L << 20, 0, 100_000), OpenTelemetry.noop().getMeter("bench"));
        RangeQueryBenchmark.fill(filled, SERIES);
        try (Storage storage = RangeQueryBenchmark.from(source, filled, dir)) {
            QueryEngine engine = QueryEngines.promql(storage, QueryConfig.defaults(), OpenTelemetry.noop().getMeter("bench"));
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (String q : QUERIES) {
                for (int i = 0; i < 4; i++) {
                    engine.rangeQuery(q, START + 5 * 60_000, END, STEP, QueryOptions.DEFAULT); // warm-up
                }
                long[] cpu = new long[runs];
                for (int i = 0; i < runs; i++) {
                    long before = threads.getCurrentThreadCpuTime();
                    engine.rangeQuery(q, START + 5 * 60_000, END, STEP, QueryOptions.DEFAULT);
                    cpu[i] = threads.getCurrentThreadCpuTime() - before;
                }
                Arrays.sort(cpu);
                System.out.printf("CPU median %.1f ms min %.1f ms  %s%n", cpu[runs / 2] / 1e6, cpu[0] / 1e6, q);
            }
        }
    }
}
