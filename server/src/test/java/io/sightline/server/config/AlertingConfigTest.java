package io.sightline.server.config;

import io.sightline.server.security.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The alerting keys map onto AlertingConfig as Prometheus's prometheus.yml keys would. */
class AlertingConfigTest {
    @TempDir
    Path dir;

    @Test
    void mapsRuleFilesGlobalKeysAndResolvesPathsAgainstTheConfigFile() throws Exception {
        Path file = Files.writeString(dir.resolve("sightline.yml"), """
                rule_files: [rules/*.yml, /etc/abs.yml]
                global:
                  evaluation_interval: 30s
                  external_labels: {cluster: eu1, region: west}
                alerting:
                  config_file: alertmanager.yml
                  external_url: https://sightline.example.com
                  retry_initial_backoff: 2s
                """);
        ServerConfig c = ServerConfig.from(ConfigSource.fromYaml(file));
        assertThat(c.alerting().ruleFiles()).containsExactly(dir.resolve("rules/*.yml").toString(), "/etc/abs.yml");
        assertThat(c.alerting().notifyConfigFile()).isEqualTo(dir.resolve("alertmanager.yml"));
        assertThat(c.alerting().evaluationIntervalMillis()).isEqualTo(30_000);
        assertThat(c.alerting().externalLabels()).containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of("cluster", "eu1", "region", "west"));
        assertThat(c.alerting().externalUrl()).isEqualTo("https://sightline.example.com");
        assertThat(c.alerting().retryInitialBackoffMillis()).isEqualTo(2_000);
        assertThat(c.alerting().stateDir()).isEqualTo(c.dataDir().resolve("alerting"));
    }

    @Test
    void badAlertingValuesNameTheKey() throws Exception {
        Path file = Files.writeString(dir.resolve("sightline.yml"), "alerting:\n  external_url: sightline:9090\n");
        assertThatThrownBy(() -> ServerConfig.from(ConfigSource.fromYaml(file)))
                .hasMessageContaining("alerting.external_url must be an http(s) URL, got sightline:9090");
        Path file2 = Files.writeString(dir.resolve("s2.yml"), "alerting:\n  retry_max_backoff: 10ms\n");
        assertThatThrownBy(() -> ServerConfig.from(ConfigSource.fromYaml(file2)))
                .hasMessageContaining("alerting.retry_max_backoff (10 ms) must not be below alerting.retry_initial_backoff");
    }

    @Test
    void externalUrlDefaultsToTheApiListenerWithHttpsWhenItServesTls() throws Exception {
        new TestCertificates(dir);
        assertThat(externalUrl("listen_address: 0.0.0.0\nhttp_port: 9443\n")).isEqualTo("http://localhost:9443");
        assertThat(externalUrl("tls: {cert_file: server.pem, key_file: server-key.pem}\n"))
                .isEqualTo("https://127.0.0.1:9090");
        assertThat(externalUrl("http_port: 9443\nhttp:\n  tls: {cert_file: server.pem, key_file: server-key.pem}\n"))
                .isEqualTo("https://127.0.0.1:9443");
        assertThat(externalUrl("otlp:\n  grpc_tls: {cert_file: server.pem, key_file: server-key.pem}\n"))
                .as("TLS on an OTLP port alone leaves the API plain").isEqualTo("http://127.0.0.1:9090");
        assertThat(externalUrl("tls: {cert_file: server.pem, key_file: server-key.pem}\n"
                + "alerting: {external_url: 'http://proxy.example:8080'}\n"))
                .as("an explicit URL is kept as it is").isEqualTo("http://proxy.example:8080");
    }

    private String externalUrl(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("sightline.yml"), yaml);
        return ServerConfig.from(ConfigSource.fromYaml(file), k -> null).alerting().externalUrl();
    }
}
