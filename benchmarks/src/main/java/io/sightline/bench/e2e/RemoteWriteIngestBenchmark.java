package io.sightline.bench.e2e;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.bench.support.RealStoreBenchmark;
import io.sightline.ingest.IngestConfig;
import io.sightline.ingest.IngestService;
import io.sightline.ingest.OtlpHttpReply;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The remote-write path without the network: snappy, protobuf decoding, label cache and appends into a real
 * store (WAL, head) on a temporary directory, through {@link IngestService#handleRemoteWrite} as the HTTP
 * server calls it. Each invocation is one round of {@link RemoteWriteLoadGenerator}'s full workload (100k
 * series of counters, gauges and classic histograms, 2000 samples per request); the first round (series
 * creation) is setup, so the score is steady-state samples per second on one thread.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RemoteWriteIngestBenchmark -prof gc}; add
 * {@code -jvmArgsAppend -XX:StartFlightRecording=filename=/tmp/rw.jfr,settings=profile} for a profile.
 */
@OperationsPerInvocation(RemoteWriteIngestBenchmark.SERIES)
public class RemoteWriteIngestBenchmark extends RealStoreBenchmark {
    static final int SERIES = 100_000;
    private static final int BATCH = 2_000;

    private Path dir;
    private Storage storage;
    private IngestService ingest;
    private RemoteWriteWorkload workload;
    private List<byte[]> requests;
    private int round;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("sightline-rw-bench");
        storage = Storage.open(new StorageConfig(dir, StorageConfig.DEFAULT_BLOCK_DURATION_MILLIS,
                StorageConfig.DEFAULT_RETENTION_MILLIS, WalSyncMode.INTERVAL, 1_000, 128L << 20, 0, 1_000_000),
                OpenTelemetry.noop().getMeter("bench"));
        ingest = IngestService.start(IngestConfig.defaults().withListen("127.0.0.1", 0, 0), storage,
                OpenTelemetry.noop().getMeter("bench"));
        // Old enough that every round of a run stays within ingest.max_future_skew of the clock.
        workload = new RemoteWriteWorkload(SERIES, BATCH, System.currentTimeMillis() / 15_000 * 15_000 - 3_600_000L);
        requests = workload.round(round++);
        send(); // creates the series
    }

    /** The next round's payloads, built outside the measured time (an invocation is about a second). */
    @Setup(Level.Invocation)
    public void nextRound() {
        requests = workload.round(round++);
    }

    @Benchmark
    public void oneRound() {
        send();
    }

    private void send() {
        for (byte[] body : requests) {
            OtlpHttpReply reply = ingest.handleRemoteWrite("application/x-protobuf", "snappy", body);
            if (reply.status() != 204) {
                throw new IllegalStateException("round " + round + ": HTTP " + reply.status() + " "
                        + new String(reply.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        ingest.close();
        storage.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
