package io.sightline.server;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlagsTest {
    @Test
    void flagsTakeTheirValueFromTheNextArgumentOrAfterAnEqualsSign() {
        Flags f = Flags.parse("--config", "s.yml", "--data-dir=/var/lib/s", "--listen-address", "0.0.0.0",
                "--http-port", "19090", "--otlp-grpc-port=14317", "--otlp-http-port", "14318");
        assertThat(f.configFile()).isEqualTo(Path.of("s.yml"));
        assertThat(f.overrides()).isEqualTo(Map.of(
                "data_dir", new Flags.Value("/var/lib/s", "--data-dir"),
                "listen_address", new Flags.Value("0.0.0.0", "--listen-address"),
                "http_port", new Flags.Value("19090", "--http-port"),
                "otlp.grpc_port", new Flags.Value("14317", "--otlp-grpc-port"),
                "otlp.http_port", new Flags.Value("14318", "--otlp-http-port")));
        assertThat(f.isHelp()).isFalse();
        assertThat(f.isVersion()).isFalse();
    }

    @Test
    void noArgumentsMeanTheConfigDefaults() {
        Flags f = Flags.parse();
        assertThat(f.configFile()).isNull();
        assertThat(f.overrides()).isEmpty();
    }

    @Test
    void theLastOfARepeatedFlagWins() {
        assertThat(Flags.parse("--http-port", "1", "--http-port", "2").overrides().get("http_port").value()).isEqualTo("2");
    }

    @Test
    void anEmptyValueAfterEqualsIsKeptForTheConfigToJudge() {
        assertThat(Flags.parse("--data-dir=").overrides().get("data_dir").value()).isEmpty();
    }

    @Test
    void helpAndVersionAreRecognisedInTheirShortAndLongForms() {
        assertThat(Flags.parse("-h").isHelp()).isTrue();
        assertThat(Flags.parse("--help").isHelp()).isTrue();
        assertThat(Flags.parse("-V").isVersion()).isTrue();
        assertThat(Flags.parse("--version").isVersion()).isTrue();
        Flags both = Flags.parse("-hV");
        assertThat(both.isHelp()).isTrue();
        assertThat(both.isVersion()).isTrue();
    }

    @Test
    void rejectsAnUnknownFlagByName() {
        assertThatThrownBy(() -> Flags.parse("--data-dir", "d", "--bogus"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Unknown option: '--bogus'");
        assertThatThrownBy(() -> Flags.parse("--bogus=1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Unknown option: '--bogus=1'");
    }

    @Test
    void rejectsAFlagWithoutItsValue() {
        assertThatThrownBy(() -> Flags.parse("--http-port"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Missing required parameter for option '--http-port' (PORT)");
        assertThatThrownBy(() -> Flags.parse("--data-dir", "--http-port", "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Missing required parameter for option '--data-dir' (DIR)");
    }

    @Test
    void rejectsAStrayArgument() {
        assertThatThrownBy(() -> Flags.parse("--http-port", "1", "serve"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Unmatched argument at index 2: 'serve'");
    }

    @Test
    void usageListsEveryFlagWithItsDescription() {
        String usage = Flags.usage();
        assertThat(usage).startsWith("Usage: sightline [-hV] [--config=FILE] [--data-dir=DIR]")
                .contains(Flags.DESCRIPTION)
                .contains("      --otlp-grpc-port=PORT\n                         OTLP/gRPC port (default 4317).\n")
                .contains("  -h, --help             Show this help message and exit.\n");
        for (String flag : new String[]{"--config", "--data-dir", "--listen-address", "--http-port", "--otlp-grpc-port",
                "--otlp-http-port", "--version"}) {
            assertThat(usage).contains(flag);
        }
    }
}
