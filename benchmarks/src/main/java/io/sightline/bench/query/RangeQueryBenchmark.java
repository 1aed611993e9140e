package io.sightline.bench.query;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryEngine;
import io.sightline.query.QueryEngines;
import io.sightline.query.QueryOptions;
import io.sightline.query.QueryResult;
import io.sightline.query.Value;
import io.sightline.storage.Appender;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Labels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A PromQL range query over many series through the real storage head: {@code series} counters with 10
 * jobs, scraped every 15 s for 1h05m, queried over the last hour at a 15 s step (241 steps). One operation is
 * one whole query; samples read per query = series x 260 (the 5m window before the first step included).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// The storage's series registry is a Chronicle Map: it needs these flags and properties (see STACK.md).
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class RangeQueryBenchmark {
    static final long STEP = 15_000;
    static final long START = 1_700_000_000_000L;
    static final long END = START + 65 * 60_000;

    @Param({"10000"})
    public int series;

    @Param({"sum by (job) (rate(http_requests_total[5m]))", "rate(http_requests_total[5m])",
            "http_requests_total", "max by (instance) (http_requests_total)",
            "sum by (job) (rate(http_requests_total{path=\"/api/v1\"}[5m])) / sum by (job) (rate(http_requests_total[5m]))"})
    public String query;

    /**
     * Where the data is read from: {@code head} (memory), or {@code blocks}: the store is snapshotted, closed,
     * and the snapshot opened as the data directory, so every chunk is read from a mapped block.
     */
    @Param({"head"})
    public String source;

    private Path dir;
    private Storage storage;
    private QueryEngine engine;

    @Setup(Level.Trial)
    public void load() throws IOException {
        dir = Files.createTempDirectory("range-query-bench");
        storage = Storage.open(new StorageConfig(dir, 2 * 3_600_000L, 15 * 24 * 3_600_000L, WalSyncMode.NEVER, 1_000,
                128L << 20, 0, Math.max(100_000, series * 2L)), OpenTelemetry.noop().getMeter("bench"));
        fill(storage, series);
        storage = from(source, storage, dir);
        engine = QueryEngines.promql(storage, QueryConfig.defaults(), OpenTelemetry.noop().getMeter("bench"));
        QueryResult r = run();
        System.out.printf("%nquery %s: %d result series%n", query, ((Value.Matrix) r.value()).series().size());
    }

    /** Writes the benchmark's counters: {@code series} of them, 10 jobs, 7 paths, every 15 s from START to END. */
    static void fill(Storage storage, int series) {
        Labels[] labels = new Labels[series];
        long[] refs = new long[series];
        double[] values = new double[series];
        for (int s = 0; s < series; s++) {
            labels[s] = Labels.of("__name__", "http_requests_total", "job", "job-" + (s % 10),
                    "instance", "host-" + s, "path", "/api/v" + (s % 7));
        }
        for (long t = START; t <= END; t += STEP) {
            Appender a = storage.appender();
            for (int s = 0; s < series; s++) {
                values[s] += 1 + (s % 13);
                refs[s] = a.append(refs[s], labels[s], t, values[s]);
            }
            a.commit();
        }
    }

    /**
     * The store to query for {@code source}: {@code head} keeps {@code storage}; {@code blocks} snapshots it,
     * closes it and opens the snapshot (in {@code dir}) as the data directory, so every chunk is read from a block.
     */
    static Storage from(String source, Storage storage, Path dir) {
        if (source.equals("head")) {
            return storage;
        }
        if (!source.equals("blocks")) {
            throw new IllegalArgumentException("source must be head or blocks, got " + source);
        }
        String snapshot = storage.snapshot();
        storage.close();
        return Storage.open(StorageConfig.defaults(dir.resolve("snapshots").resolve(snapshot)), OpenTelemetry.noop().getMeter("bench"));
    }

    @Benchmark
    public QueryResult rangeQuery() {
        return run();
    }

    private QueryResult run() {
        return engine.rangeQuery(query, START + 5 * 60_000, END, STEP, QueryOptions.DEFAULT);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        storage.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
