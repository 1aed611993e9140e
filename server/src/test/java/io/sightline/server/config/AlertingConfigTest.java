package io.sightline.server.config;

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
}
