package io.sightline.bench.e2e;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.ingest.IngestConfig;
import io.sightline.ingest.IngestService;
import io.sightline.ingest.OtlpHttpReply;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real store in a temporary directory with the ingest service in front of it, for in-process benchmarks that
 * send remote-write bodies through {@link IngestService#handleRemoteWrite} on the calling thread. Closing it
 * closes both and deletes the directory.
 */
final class InProcessRemoteWrite implements AutoCloseable {
    private final Path dir;
    private final Storage storage;
    private final IngestService ingest;

    private InProcessRemoteWrite(Path dir, Storage storage, IngestService ingest) {
        this.dir = dir;
        this.storage = storage;
        this.ingest = ingest;
    }

    static InProcessRemoteWrite open(String name, long maxSeries) throws IOException {
        Path dir = Files.createTempDirectory(name);
        Storage storage = Storage.open(new StorageConfig(dir, StorageConfig.DEFAULT_BLOCK_DURATION_MILLIS,
                StorageConfig.DEFAULT_RETENTION_MILLIS, WalSyncMode.INTERVAL, 1_000, 128L << 20, 0, maxSeries),
                OpenTelemetry.noop().getMeter("bench"));
        IngestService ingest = IngestService.start(IngestConfig.defaults().withListen("127.0.0.1", 0, 0), storage,
                OpenTelemetry.noop().getMeter("bench"));
        return new InProcessRemoteWrite(dir, storage, ingest);
    }

    /** Sends one snappy-compressed remote-write body; throws unless it is accepted whole (HTTP 204). */
    void send(byte[] body, int round) {
        OtlpHttpReply reply = ingest.handleRemoteWrite("application/x-protobuf", "snappy", body);
        if (reply.status() != 204) {
            throw new IllegalStateException("round " + round + ": HTTP " + reply.status() + " "
                    + new String(reply.body(), StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() throws IOException {
        try (storage; ingest) {
            // both closed, ingest first
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
