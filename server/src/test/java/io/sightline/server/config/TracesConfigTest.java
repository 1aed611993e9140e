package io.sightline.server.config;

import io.sightline.ingest.TracesIngestConfig;
import io.sightline.query.TraceQueryConfig;
import io.sightline.storage.TraceStoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code traces:} section: every key read, bad values and unknown keys stop start-up naming the key. */
class TracesConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsPutTheTraceStoreUnderTheDataDirWithTemposBuckets() {
        TracesConfig c = ServerConfig.from(ConfigSource.empty().override("data_dir", "/srv/s", "test")).traces();
        assertThat(c.store().dir()).isEqualTo(Path.of("/srv/s/traces"));
        assertThat(c.store().indexedAttributes()).isEqualTo(TraceStoreConfig.DEFAULT_INDEXED_ATTRIBUTES);
        assertThat(c.ingest()).isEqualTo(TracesIngestConfig.defaults());
        assertThat(c.query()).isEqualTo(TraceQueryConfig.defaults());
        assertThat(c.ingest().latencyBuckets()).startsWith(0.002, 0.004).endsWith(16.384).hasSize(14);
    }

    @Test
    void readsEveryTracesKey() throws IOException {
        Path file = write("""
                storage:
                  wal:
                    fsync: always
                traces:
                  segment_duration: 30m
                  max_head_bytes: 64MiB
                  retention: 7d
                  retention_size: 20GiB
                  indexed_attributes: [http.route, tenant]
                  span_metrics:
                    enabled: false
                    buckets: [0.01, 0.1, 1]
                    flush_interval: 5s
                    max_series: 500
                  service_graph:
                    wait: 3s
                    max_items: 77
                  query:
                    timeout: 20s
                    max_limit: 50
                    max_spans_per_span_set: 7
                    max_spans_inspected: 1000
                """);
        TracesConfig c = ServerConfig.from(ConfigSource.fromYaml(file)).traces();
        assertThat(c.store().segmentDurationMillis()).isEqualTo(1_800_000);
        assertThat(c.store().maxHeadBytes()).isEqualTo(64L << 20);
        assertThat(c.store().retentionMillis()).isEqualTo(7 * 86_400_000L);
        assertThat(c.store().retentionBytes()).isEqualTo(20L << 30);
        assertThat(c.store().indexedAttributes()).containsExactly("http.route", "tenant");
        assertThat(c.store().walSyncMode().name()).isEqualTo("ALWAYS");
        assertThat(c.ingest()).isEqualTo(new TracesIngestConfig(false, List.of(0.01, 0.1, 1.0), 5_000, 500, 3_000, 77));
        assertThat(c.query()).isEqualTo(new TraceQueryConfig(20_000, 50, 7, 1_000));
    }

    @Test
    void bucketsThatAreNotNumbersNameTheKeyAndTheValue() throws IOException {
        Path file = write("traces:\n  span_metrics:\n    buckets: [0.1, fast]\n");
        assertThatThrownBy(() -> ServerConfig.from(ConfigSource.fromYaml(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("traces.span_metrics.buckets")
                .hasMessageContaining("\"fast\"")
                .hasMessageContaining(file.toString());
    }

    @Test
    void bucketsOutOfOrderAreRefused() throws IOException {
        Path file = write("traces:\n  span_metrics:\n    buckets: [1, 0.5]\n");
        assertThatThrownBy(() -> ServerConfig.from(ConfigSource.fromYaml(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("traces.span_metrics.buckets must be strictly ascending, got 1.0 before 0.5");
    }

    @Test
    void aTooShortFlushIntervalIsRefused() {
        assertThatThrownBy(() -> ServerConfig.from(ConfigSource.empty().override("traces.span_metrics.flush_interval", "10ms", "test")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("traces.span_metrics.flush_interval must be between 100ms and 1h, got 10ms");
    }

    @Test
    void anUnknownTracesKeyStopsStartUp() throws IOException {
        Path file = write("traces:\n  span_metric:\n    enabled: true\n");
        assertThatThrownBy(() -> ServerConfig.from(ConfigSource.fromYaml(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown configuration key 'traces.span_metric.enabled'");
    }

    private Path write(String yaml) throws IOException {
        Path f = dir.resolve("sightline.yml");
        Files.writeString(f, yaml);
        return f;
    }
}
