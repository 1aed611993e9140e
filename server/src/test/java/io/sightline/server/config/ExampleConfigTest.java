package io.sightline.server.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The example configuration users copy must load, and must state the defaults. */
class ExampleConfigTest {
    @Test
    void exampleConfigLoadsAndEqualsTheDefaults() {
        Path example = Path.of("..", "deploy", "sightline.example.yml");
        assertThat(Files.isRegularFile(example)).as("%s exists", example.toAbsolutePath()).isTrue();
        ServerConfig fromExample = ServerConfig.from(ConfigSource.fromYaml(example));
        ServerConfig defaults = ServerConfig.from(ConfigSource.empty());
        assertThat(fromExample.storage()).isEqualTo(defaults.storage());
        assertThat(fromExample.query()).isEqualTo(defaults.query());
        assertThat(fromExample.ingest()).isEqualTo(defaults.ingest());
        assertThat(fromExample.api().withStatus(defaults.api().status())).isEqualTo(defaults.api());
        assertThat(fromExample.alerting()).isEqualTo(defaults.alerting());
        assertThat(fromExample.logs()).isEqualTo(defaults.logs());
        assertThat(fromExample.traces()).isEqualTo(defaults.traces());
    }
}
