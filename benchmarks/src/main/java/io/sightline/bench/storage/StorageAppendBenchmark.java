package io.sightline.bench.storage;

import com.github.luben.zstd.Zstd;
import io.opentelemetry.api.OpenTelemetry;
import io.sightline.bench.support.RealStoreBenchmark;
import io.sightline.storage.Appender;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Labels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Samples appended into the real store (WAL, head, background block cuts) on one thread: each invocation
 * is one commit of one sample for each of {@link #SERIES} series, passing back the series references as
 * ingest does, with the timestamp advancing 15 s per commit. The score is samples per second.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar StorageAppendBenchmark -prof gc}.
 */
@OperationsPerInvocation(StorageAppendBenchmark.SERIES)
public class StorageAppendBenchmark extends RealStoreBenchmark {
    static final int SERIES = 10_000;
    private static final long STEP_MILLIS = 15_000;

    @Param({"INTERVAL"})
    public WalSyncMode fsync;

    private Path dir;
    private Storage storage;
    private Labels[] labels;
    private long[] refs;
    private double[] values;
    private SplittableRandom random;
    private long timestamp;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("sightline-append-bench");
        storage = Storage.open(new StorageConfig(dir, StorageConfig.DEFAULT_BLOCK_DURATION_MILLIS, StorageConfig.DEFAULT_RETENTION_MILLIS,
                fsync, 1_000, 128L << 20, 0, 1_000_000), OpenTelemetry.noop().getMeter("bench"));
        labels = new Labels[SERIES];
        refs = new long[SERIES];
        values = new double[SERIES];
        random = new SplittableRandom(42);
        // A realistic shape: 100 metric names x 100 instances, a job per 25 instances, a few labels more.
        for (int i = 0; i < SERIES; i++) {
            int metric = i % 100;
            int instance = i / 100;
            labels[i] = Labels.of("__name__", "app_metric_" + metric + "_total", "job", "service-" + (instance / 25),
                    "instance", "10.0." + (instance / 10) + "." + (instance % 10) + ":9100",
                    "method", metric % 3 == 0 ? "GET" : "POST", "status", Integer.toString(200 + (metric % 5)));
        }
        timestamp = 1_700_000_000_000L;
    }

    @Benchmark
    public void appendOneCommit() {
        Appender a = storage.appender();
        long t = timestamp;
        for (int i = 0; i < SERIES; i++) {
            values[i] = next(i, values[i]);
            refs[i] = a.append(refs[i], labels[i], t, values[i]);
        }
        a.commit();
        timestamp = t + STEP_MILLIS;
    }

    /**
     * Half counters with random increments, a quarter gauges walking in cents, a quarter histogram-bucket
     * counters that mostly stay flat: the mix the 1 byte/sample disk target is stated for.
     */
    private double next(int i, double previous) {
        return switch (i & 3) {
            case 0, 1 -> previous + random.nextInt(50);
            case 2 -> Math.round((previous + random.nextInt(-100, 101) / 100.0) * 100) / 100.0;
            default -> random.nextInt(8) == 0 ? previous + 1 : previous;
        };
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        storage.close();
        reportDiskUsage();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Prints bytes per sample of the blocks written (chunks + index), the figure the disk target is about,
     * and what zstd on top of the chunk files would save: the evidence for leaving it off or turning it on.
     */
    private void reportDiskUsage() throws IOException {
        long chunks = 0;
        long zstdChunks = 0;
        long index = 0;
        long samples = 0;
        Path metrics = dir.resolve("metrics");
        if (!Files.isDirectory(metrics)) {
            return;
        }
        try (Stream<Path> blocks = Files.list(metrics)) {
            for (Path block : blocks.toList()) {
                byte[] chunkBytes = Files.readAllBytes(block.resolve("chunks"));
                chunks += chunkBytes.length;
                zstdChunks += Zstd.compress(chunkBytes, 3).length;
                index += Files.size(block.resolve("index"));
                Matcher m = Pattern.compile("\"numSamples\": (\\d+)").matcher(Files.readString(block.resolve("meta.json")));
                if (m.find()) {
                    samples += Long.parseLong(m.group(1));
                }
            }
        }
        if (samples > 0) {
            System.out.printf("%nblocks on disk: %d samples; chunks %.3f B/sample (zstd-3 on top: %.3f), index %.3f B/sample, total %.3f B/sample%n",
                    samples, (double) chunks / samples, (double) zstdChunks / samples, (double) index / samples,
                    (double) (chunks + index) / samples);
        }
    }
}
