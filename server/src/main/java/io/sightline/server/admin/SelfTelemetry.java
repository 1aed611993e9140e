package io.sightline.server.admin;

import com.sun.management.UnixOperatingSystemMXBean;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;

/**
 * Sightline's own metrics: one SDK meter provider whose meters are handed to each module (never the
 * global one), read by {@link PrometheusTextReader} on {@code GET /metrics}. Also registers process
 * gauges (heap, direct and mapped buffers, open file descriptors).
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
