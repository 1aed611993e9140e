package io.sightline.ingest;

import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.sightline.storage.Appendable;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Real storage on a temporary directory plus a running {@link IngestService} on ephemeral loopback
 * ports, with an in-memory metric reader for the self-metrics.
 */
final class IngestFixture implements AutoCloseable {
    final Storage storage;
    final InMemoryMetricReader metricReader = InMemoryMetricReader.create();
    final SdkMeterProvider meterProvider = SdkMeterProvider.builder().registerMetricReader(metricReader).build();
    final IngestService service;

    IngestFixture(Path dataDir, IngestConfig config) throws IOException {
        this(dataDir, config, (java.util.function.UnaryOperator<Appendable>) null);
    }

    /** @param wrap decorates the real storage's Appendable (e.g. to hold a request in flight), or null */
    IngestFixture(Path dataDir, IngestConfig config, java.util.function.UnaryOperator<Appendable> wrap) throws IOException {
        this(dataDir, config, wrap, null, null);
    }

    /** As above, also receiving logs into {@code logs} when it is not null. */
    IngestFixture(Path dataDir, IngestConfig config, java.util.function.UnaryOperator<Appendable> wrap,
                  io.sightline.storage.LogStore logs, LogsIngestConfig logsConfig) throws IOException {
        storage = Storage.open(new StorageConfig(dataDir, StorageConfig.DEFAULT_BLOCK_DURATION_MILLIS,
                StorageConfig.DEFAULT_RETENTION_MILLIS, WalSyncMode.NEVER, 1_000, 1 << 20, 0, 100_000),
                meterProvider.get("test"));
        Appendable target = wrap == null ? storage : wrap.apply(storage);
        service = logs == null ? IngestService.start(config, target, meterProvider.get("io.sightline.ingest"))
                : IngestService.start(config, target, logs, logsConfig, meterProvider.get("io.sightline.ingest"));
    }

    /** Real metrics storage plus traces into {@code traces} (span metrics as {@code tracesConfig} says). */
    IngestFixture(Path dataDir, IngestConfig config, io.sightline.storage.TraceStore traces, TracesIngestConfig tracesConfig)
            throws IOException {
        storage = Storage.open(new StorageConfig(dataDir, StorageConfig.DEFAULT_BLOCK_DURATION_MILLIS,
                StorageConfig.DEFAULT_RETENTION_MILLIS, WalSyncMode.NEVER, 1_000, 1 << 20, 0, 100_000),
                meterProvider.get("test"));
        service = IngestService.start(config, storage, null, null, traces, tracesConfig, meterProvider.get("io.sightline.ingest"));
    }

    /** Real metrics storage behind listeners protected by {@code security} (credentials, connection limits). */
    IngestFixture(Path dataDir, IngestConfig config, IngestSecurity security) throws IOException {
        storage = Storage.open(new StorageConfig(dataDir, StorageConfig.DEFAULT_BLOCK_DURATION_MILLIS,
                StorageConfig.DEFAULT_RETENTION_MILLIS, WalSyncMode.NEVER, 1_000, 1 << 20, 0, 100_000),
                meterProvider.get("test"));
        service = IngestService.start(config, storage, storage, null, null, null, null,
                meterProvider.get("io.sightline.ingest"), java.time.InstantSource.system(), security);
    }

    static IngestConfig localConfig() {
        return IngestConfig.defaults().withListen("127.0.0.1", 0, 0);
    }

    /** The value of a self-metric counter (summed over its points matching the attribute value, if given). */
    long counter(String name, String attributeValue) {
        return metricReader.collectAllMetrics().stream()
                .filter(m -> m.getName().equals(name))
                .flatMap(m -> m.getLongSumData().getPoints().stream())
                .filter(p -> attributeValue == null || p.getAttributes().asMap().containsValue(attributeValue))
                .mapToLong(p -> p.getValue())
                .sum();
    }

    /** The current value of a self-metric gauge. */
    long gauge(String name) {
        return metricReader.collectAllMetrics().stream()
                .filter(m -> m.getName().equals(name))
                .flatMap(m -> m.getLongGaugeData().getPoints().stream())
                .mapToLong(p -> p.getValue())
                .sum();
    }

    @Override
    public void close() {
        service.close();
        storage.close();
        meterProvider.close();
    }
}
