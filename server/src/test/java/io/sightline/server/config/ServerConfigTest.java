package io.sightline.server.config;

import io.sightline.storage.WalSyncMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsMatchTheDocumentedPortsAndDataDir() {
        ServerConfig c = ServerConfig.from(ConfigSource.empty());
        assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.listenAddress()).isEqualTo("127.0.0.1");
        assertThat(c.httpPort()).isEqualTo(9090);
        assertThat(c.otlpGrpcPort()).isEqualTo(4317);
        assertThat(c.otlpHttpPort()).isEqualTo(4318);
        assertThat(c.storage().retentionMillis()).isEqualTo(15L * 24 * 3600 * 1000);
        assertThat(c.storage().blockDurationMillis()).isEqualTo(2L * 3600 * 1000);
        assertThat(c.query().lookbackDeltaMillis()).isEqualTo(300_000);
    }

    @Test
    void readsEveryDocumentedKeyFromYaml() throws IOException {
        Path file = write("""
                data_dir: /var/lib/sightline
                listen_address: 0.0.0.0
                http_port: 19090
                otlp:
                  grpc_port: 14317
                  http_port: 14318
                storage:
                  block_duration: 1h
                  retention: 30d
                  retention_size: 50GiB
                  out_of_order_window: 10m
                  max_series: 1000
                  wal:
                    fsync: always
                    fsync_interval: 500ms
                    segment_size: 64MiB
                query:
                  lookback_delta: 1m
                  timeout: 30s
                  max_samples: 1000
                  max_concurrency: 4
                  max_points_per_series: 500
                """);
        ServerConfig c = ServerConfig.from(ConfigSource.fromYaml(file));
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/sightline"));
        assertThat(c.listenAddress()).isEqualTo("0.0.0.0");
        assertThat(c.httpPort()).isEqualTo(19090);
        assertThat(c.otlpGrpcPort()).isEqualTo(14317);
        assertThat(c.otlpHttpPort()).isEqualTo(14318);
        assertThat(c.storage().dataDir()).isEqualTo(Path.of("/var/lib/sightline"));
        assertThat(c.storage().blockDurationMillis()).isEqualTo(3600_000);
        assertThat(c.storage().retentionMillis()).isEqualTo(30L * 86400_000);
        assertThat(c.storage().retentionBytes()).isEqualTo(50L << 30);
        assertThat(c.storage().outOfOrderWindowMillis()).isEqualTo(600_000);
        assertThat(c.storage().maxSeries()).isEqualTo(1000);
        assertThat(c.storage().walSyncMode()).isEqualTo(WalSyncMode.ALWAYS);
        assertThat(c.storage().walSyncIntervalMillis()).isEqualTo(500);
        assertThat(c.storage().walSegmentSizeBytes()).isEqualTo(64L << 20);
        assertThat(c.query().lookbackDeltaMillis()).isEqualTo(60_000);
        assertThat(c.query().timeoutMillis()).isEqualTo(30_000);
        assertThat(c.query().maxSamples()).isEqualTo(1000);
        assertThat(c.query().maxConcurrentQueries()).isEqualTo(4);
        assertThat(c.query().maxPointsPerSeries()).isEqualTo(500);
    }

    @Test
    void flagsOverrideTheFile() throws IOException {
        Path file = write("http_port: 19090\ndata_dir: /from/file\n");
        ServerConfig c = ServerConfig.from(ConfigSource.fromYaml(file)
                .override("http_port", "29090", "--http-port")
                .override("data_dir", "/from/flag", "--data-dir"));
        assertThat(c.httpPort()).isEqualTo(29090);
        assertThat(c.storage().dataDir()).isEqualTo(Path.of("/from/flag"));
    }

    @Test
    void rejectsAnUnknownKeyNamingKeyAndFile() throws IOException {
        Path file = write("storage:\n  retension: 3d\n");
        assertThatThrownBy(() -> ServerConfig.from(ConfigSource.fromYaml(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown configuration key 'storage.retension'")
                .hasMessageContaining(file.toString());
    }

    @Test
    void rejectsABadValueNamingKeyValueAndFile() throws IOException {
        Path file = write("storage:\n  retention: fortnight\n");
        assertThatThrownBy(() -> ServerConfig.from(ConfigSource.fromYaml(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage.retention")
                .hasMessageContaining("fortnight")
                .hasMessageContaining(file.toString());
    }

    @Test
    void rejectsABadFlagValueNamingTheFlag() {
        assertThatThrownBy(() -> ServerConfig.from(ConfigSource.empty().override("http_port", "99999", "--http-port")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http_port")
                .hasMessageContaining("--http-port");
    }

    @Test
    void rejectsANegativeRetentionSize() throws IOException {
        Path file = write("storage:\n  retention_size: -1\n");
        assertThatThrownBy(() -> ServerConfig.from(ConfigSource.fromYaml(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage.retention_size");
    }

    @Test
    void rejectsAnOutOfRangeValueThroughTheModulesValidation() throws IOException {
        Path file = write("query:\n  max_concurrency: 0\n");
        assertThatThrownBy(() -> ServerConfig.from(ConfigSource.fromYaml(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("query.max_concurrency must be > 0");
    }

    @Test
    void rejectsAnUnknownFsyncModeListingTheChoices() throws IOException {
        Path file = write("storage:\n  wal:\n    fsync: sometimes\n");
        assertThatThrownBy(() -> ServerConfig.from(ConfigSource.fromYaml(file)))
                .hasMessageContaining("storage.wal.fsync")
                .hasMessageContaining("[always, interval, never]");
    }

    @Test
    void rejectsMalformedYamlNamingTheFile() throws IOException {
        Path file = write("storage: [unclosed\n");
        assertThatThrownBy(() -> ServerConfig.from(ConfigSource.fromYaml(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void rejectsAMissingFile() {
        assertThatThrownBy(() -> ConfigSource.fromYaml(dir.resolve("nope.yml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nope.yml");
    }

    private Path write(String yaml) throws IOException {
        Path f = dir.resolve("sightline.yml");
        Files.writeString(f, yaml);
        return f;
    }
}
