package io.sightline.ingest;

import java.util.List;
import java.util.Objects;

/**
 * Settings of OTLP logs ingest. Immutable; validated on construction, the message names the key.
 *
 * @param streamLabels resource attribute keys that become stream labels ({@code logs.stream_labels}); their
 *                     names are translated like metric labels ({@code service.name} becomes {@code service_name})
 * @param maxLineBytes a record whose body is longer (UTF-8 bytes) is rejected ({@code logs.max_line_bytes}, 256 KiB)
 */
public record LogsIngestConfig(List<String> streamLabels, int maxLineBytes) {
    public static final List<String> DEFAULT_STREAM_LABELS = List.of("service.name", "service.namespace",
            "deployment.environment", "host.name", "k8s.namespace.name");
    public static final int DEFAULT_MAX_LINE_BYTES = 256 << 10;

    public LogsIngestConfig {
        streamLabels = List.copyOf(Objects.requireNonNull(streamLabels, "logs.stream_labels"));
        if (streamLabels.isEmpty()) {
            throw new IllegalArgumentException("logs.stream_labels must name at least one resource attribute");
        }
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("logs.max_line_bytes must be > 0, got " + maxLineBytes);
        }
    }

    public static LogsIngestConfig defaults() {
        return new LogsIngestConfig(DEFAULT_STREAM_LABELS, DEFAULT_MAX_LINE_BYTES);
    }
}
