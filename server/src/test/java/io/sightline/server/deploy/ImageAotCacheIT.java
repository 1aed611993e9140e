package io.sightline.server.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The container image's JDK AOT cache without a container engine: the runtime stage's training {@code RUN} and then
 * its {@code ENTRYPOINT}, each through {@code sh -c} with the image's {@code ENV}, on the image's file layout rebuilt
 * under a temporary directory (the packaged jar linked in at opt/sightline/sightline.jar, the container config and
 * rules at etc/sightline/). This JDK stands in for the image's. Only the ports and data directory of the started server
 * differ from the image (flags after the CMD); the training picks its own.
 */
class ImageAotCacheIT {
    private static final String OPT = "/opt/sightline";
    private static final String ETC = "/etc/sightline";

    @TempDir
    Path tmp;
    private final DeployFiles deploy = DeployFiles.locate();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theImageBuildTrainsACacheWithItsOwnJvmOptionsAndTheEntryPointStartsWithIt() throws Exception {
        Path jar = Path.of("target", "sightline.jar").toAbsolutePath();
        assertThat(jar).as("built by the package phase").isRegularFile();
        Path opt = Files.createDirectories(tmp.resolve("opt/sightline"));
        Files.createSymbolicLink(opt.resolve("sightline.jar"), jar);
        Path rules = Files.createDirectories(tmp.resolve("etc/sightline/rules"));
        Files.copy(deploy.path(DeployFiles.CONTAINER_CONFIG), rules.resolveSibling("sightline.yml"));
        try (Stream<Path> s = Files.list(deploy.path("deploy/rules"))) {
            for (Path r : s.toList()) {
                Files.copy(r, rules.resolve(r.getFileName()));
            }
        }

        List<String> trainings = deploy.runtimeStage("RUN").stream().filter(r -> r.contains("AotTraining")).toList();
        assertThat(trainings).as("one RUN of the runtime stage trains the cache").hasSize(1);
        Process training = sh(relocate(trainings.getFirst()), Map.of(), "training.log");
        assertThat(training.waitFor(10, TimeUnit.MINUTES)).as("training finished").isTrue();
        assertThat(training.exitValue()).as(log("training.log")).isZero();
        assertThat(log("training.log")).contains("AOT cache written").doesNotContain("[WARNING]");
        assertThat(opt.resolve("sightline.aot")).isNotEmptyFile();

        List<String> entrypoint = DeployFiles.execForm(deploy.runtimeStage("ENTRYPOINT").getFirst());
        assertThat(entrypoint.subList(0, 2)).containsExactly("sh", "-c");
        int httpPort = LocalProcesses.freePort();
        List<String> command = new ArrayList<>(entrypoint);
        command.set(2, relocate(entrypoint.get(2)));
        command.addAll(DeployFiles.execForm(deploy.runtimeStage("CMD").getFirst()).stream().map(this::relocate).toList());
        command.addAll(List.of("--data-dir", tmp.resolve("data").toString(), "--listen-address", "127.0.0.1",
                "--http-port", Integer.toString(httpPort), "--otlp-grpc-port", Integer.toString(LocalProcesses.freePort()),
                "--otlp-http-port", Integer.toString(LocalProcesses.freePort())));
        // -Xlog is not an AOT option: the entry point still adds the cache, and the JVM says whether it opened it.
        String javaOpts = deploy.runtimeEnv().get("JAVA_OPTS") + " -Xlog:aot=info";
        Process server = start(command, Map.of("JAVA_OPTS", javaOpts), "server.log");
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .untilAsserted(() -> {
                        assertThat(server.isAlive()).as("process alive; log:\n%s", log("server.log")).isTrue();
                        assertThat(LocalProcesses.get(http, httpPort, "/-/ready").statusCode()).isEqualTo(200);
                    });
            assertThat(List.of(server.info().arguments().orElseThrow()))
                    .contains("-XX:AOTCache=" + opt.resolve("sightline.aot"));
            assertThat(log("server.log")).contains("Opened AOT cache").doesNotContain("[error]", "Unable to use");
        } finally {
            LocalProcesses.stop(server);
        }
    }

    /** The image's absolute paths moved under the temporary directory. */
    private String relocate(String s) {
        return s.replace(OPT, tmp + OPT).replace(ETC, tmp + ETC);
    }

    private Process sh(String script, Map<String, String> env, String logName) throws IOException {
        return start(List.of("sh", "-c", script), env, logName);
    }

    private Process start(List<String> command, Map<String, String> env, String logName) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve(logName).toFile()));
        // The image's ENV, and its `java` first on the PATH (this JDK stands in for the image's Temurin 25).
        pb.environment().putAll(deploy.runtimeEnv());
        pb.environment().putAll(env);
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        return pb.start();
    }

    private String log(String name) throws IOException {
        return Files.readString(tmp.resolve(name));
    }
}
