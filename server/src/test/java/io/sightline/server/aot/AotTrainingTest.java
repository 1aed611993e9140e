package io.sightline.server.aot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AotTrainingTest {
    @TempDir
    Path tmp;

    @Test
    void parsesTheBuildsCommandLineWithServerArgumentsAfterTheSeparator() {
        AotTraining.Options o = AotTraining.Options.parse(new String[] {"--jar", "/opt/s.jar", "--java-options", "-Xmx1g -XX:+UseParallelGC",
                "--output", "/opt/s.aot", "--timeout-seconds", "600", "--warn-on-failure", "--", "--config", "/etc/s.yml"});
        assertThat(o.jar).isEqualTo(Path.of("/opt/s.jar"));
        assertThat(o.javaOptions).isEqualTo("-Xmx1g -XX:+UseParallelGC");
        assertThat(o.timeoutSeconds).isEqualTo(600);
        assertThat(o.warnOnFailure).isTrue();
        assertThat(o.serverArgs).containsExactly("--config", "/etc/s.yml");
    }

    @Test
    void rejectsACommandLineWithoutOutputOrWithBothStartModesNamingWhatIsWrong() {
        assertThatThrownBy(() -> AotTraining.Options.parse(new String[] {"--script", "bin/sightline"}))
                .hasMessage("--output is required");
        assertThatThrownBy(() -> AotTraining.Options.parse(new String[] {"--output", "x", "--script", "s", "--jar", "j"}))
                .hasMessage("give exactly one of --script and --jar");
        assertThatThrownBy(() -> AotTraining.Options.parse(new String[] {"--output", "x", "--script", "s", "--timeout-seconds", "0"}))
                .hasMessage("--timeout-seconds 0 is outside 1..100000");
        assertThatThrownBy(() -> AotTraining.Options.parse(new String[] {"--output", "x", "--series", "many"}))
                .hasMessage("--series many is not a number");
        assertThatThrownBy(() -> AotTraining.Options.parse(new String[] {"--output"})).hasMessage("--output needs a value");
    }

    @Test
    void keepsACacheOnlyWhenItIsNewerThanEveryInputItWasMadeFrom() throws IOException {
        Path jar = touch("sightline.jar", 100);
        Path script = touch("sightline", 100);
        Path cache = tmp.resolve("sightline.aot");
        AotTraining.Options o = AotTraining.Options.parse(new String[] {"--output", cache.toString(), "--script", script.toString(),
                "--keep-if-newer-than", jar.toString(), "--keep-if-newer-than", script.toString()});
        assertThat(AotTraining.isUpToDate(o)).as("no cache yet").isFalse();

        touch("sightline.aot", 200);
        assertThat(AotTraining.isUpToDate(o)).isTrue();

        touch("sightline.jar", 300); // re-packaged
        assertThat(AotTraining.isUpToDate(o)).isFalse();

        touch("sightline.aot", 400);
        touch("sightline", 500); // the start script's flags changed
        assertThat(AotTraining.isUpToDate(o)).isFalse();
    }

    @Test
    void retrainsAlwaysWhenNoInputIsNamed() throws IOException {
        Path cache = touch("sightline.aot", 200);
        AotTraining.Options o = AotTraining.Options.parse(new String[] {"--output", cache.toString(), "--jar", "s.jar"});
        assertThat(AotTraining.isUpToDate(o)).isFalse();
    }

    private Path touch(String name, long epochSecond) throws IOException {
        Path p = tmp.resolve(name);
        if (!Files.exists(p)) {
            Files.writeString(p, name);
        }
        Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(epochSecond)));
        return p;
    }
}
