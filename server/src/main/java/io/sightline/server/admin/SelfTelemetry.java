package io.sightline.server.admin;

import com.sun.management.UnixOperatingSystemMXBean;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sightline's own metrics: one SDK meter provider whose meters are handed to each module (never the
 * global one), read by {@link PrometheusTextReader} on {@code GET /metrics}. Also registers process
 * gauges (heap, direct and mapped buffers, open file descriptors) and, through {@link #watchDisk}, the data
 * directory's disk.
 */
public final class SelfTelemetry implements AutoCloseable {
    private final PrometheusTextReader reader = new PrometheusTextReader();
    private final SdkMeterProvider provider;

    public SelfTelemetry() {
        provider = SdkMeterProvider.builder()
                .setResource(Resource.empty())
                .registerMetricReader(reader)
                .build();
        registerProcessGauges(provider.get("io.sightline.server"));
    }

    /** The meter a module records through. */
    public Meter meter(String module) {
        return provider.get("io.sightline." + module);
    }

    /**
     * Registers {@code sightline_storage_disk_free_bytes} (usable by this process) and
     * {@code sightline_storage_disk_total_bytes} of the file system holding {@code dataDir}, for the disk-full alert.
     */
    public void watchDisk(Path dataDir) {
        Meter meter = provider.get("io.sightline.server");
        meter.gaugeBuilder("sightline_storage_disk_free_bytes").setUnit("By")
                .setDescription("Bytes free for Sightline on the file system of the data directory.").ofLongs()
                .buildWithCallback(m -> disk(dataDir, m, true));
        meter.gaugeBuilder("sightline_storage_disk_total_bytes").setUnit("By")
                .setDescription("Size of the file system of the data directory.").ofLongs()
                .buildWithCallback(m -> disk(dataDir, m, false));
        AttributeKey<String> dir = AttributeKey.stringKey("dir");
        meter.gaugeBuilder("sightline_storage_dir_bytes").setUnit("By")
                .setDescription("Bytes of each top-level entry of the data directory (wal, blocks, logs, ...).").ofLongs()
                .buildWithCallback(m -> {
                    // A walk per collection: a data directory holds hundreds of files, not millions.
                    try (var entries = Files.list(dataDir)) {
                        entries.forEach(e -> m.record(bytesUnder(e), Attributes.of(dir, e.getFileName().toString())));
                    } catch (IOException | java.io.UncheckedIOException e) {
                        // no value this time
                    }
                });
    }

    private static long bytesUnder(Path path) {
        try (var files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // deleted while walking (compaction, retention)
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    private static void disk(Path dataDir, ObservableLongMeasurement m, boolean free) {
        try {
            FileStore store = Files.getFileStore(dataDir);
            m.record(free ? store.getUsableSpace() : store.getTotalSpace());
        } catch (IOException e) {
            // No value this time: a missing point reads as absent() in alerts, which is what should fire.
        }
    }

    public PrometheusTextReader reader() {
        return reader;
    }

    private static void registerProcessGauges(Meter meter) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        meter.gaugeBuilder("sightline_jvm_heap_used_bytes").setDescription("JVM heap in use.").ofLongs()
                .buildWithCallback(m -> m.record(memory.getHeapMemoryUsage().getUsed()));
        AttributeKey<String> pool = AttributeKey.stringKey("pool");
        meter.gaugeBuilder("sightline_jvm_buffer_used_bytes").setDescription("Direct and memory-mapped buffer bytes.").ofLongs()
                .buildWithCallback(m -> {
                    for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                        m.record(b.getMemoryUsed(), Attributes.of(pool, b.getName()));
                    }
                });
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            meter.gaugeBuilder("sightline_process_open_fds").setDescription("Open file descriptors.").ofLongs()
                    .buildWithCallback(m -> m.record(unix.getOpenFileDescriptorCount()));
        }
    }

    @Override
    public void close() {
        provider.close();
    }
}
