package io.sightline.server.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code bin/sightline}, the README's start command, run as a user runs it: the packaged jar (built by the package
 * phase, which the script would otherwise build) on free 127.0.0.1 ports with a temporary data directory.
 */
class StartScriptIT {
    @TempDir
    Path tmp;
    private final DeployFiles deploy = DeployFiles.locate();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aCollectorNamedInSightlineJavaOptsReplacesTheDefaultOneInsteadOfStoppingTheJvm() throws Exception {
        Process p = startReady("-XX:+UseSerialGC -Xmx256m");
        try {
            // The script execs java, so the process started is the JVM and its arguments are the flags it got.
            List<String> args = List.of(p.info().arguments().orElseThrow());
            assertThat(args).contains("-XX:+UseSerialGC", "-Xmx256m").doesNotContain("-XX:+UseParallelGC");
            assertThat(log()).contains("heap governor on [pool=Tenured Gen");
        } finally {
            LocalProcesses.stop(p);
        }
    }

    @Test
    void theDefaultFlagsLetTheHeapGovernorShrinkParallelsOldGeneration() throws Exception {
        Process p = startReady(null);
        try {
            List<String> args = List.of(p.info().arguments().orElseThrow());
            assertThat(args).contains("-XX:+UseParallelGC", "-XX:+UseAdaptiveSizePolicyWithSystemGC");
            assertThat(log()).contains("heap governor on [pool=PS Old Gen");
        } finally {
            LocalProcesses.stop(p);
        }
    }

    /** Starts bin/sightline (with {@code javaOpts} as SIGHTLINE_JAVA_OPTS unless null) and waits until it is ready. */
    private Process startReady(String javaOpts) throws IOException, InterruptedException {
        assertThat(Path.of("target", "sightline.jar")).as("built by the package phase").isRegularFile();
        int httpPort = LocalProcesses.freePort();
        ProcessBuilder pb = new ProcessBuilder(deploy.path("bin/sightline").toString(),
                "--data-dir", tmp.resolve("data").toString(), "--listen-address", "127.0.0.1",
                "--http-port", Integer.toString(httpPort), "--otlp-grpc-port", Integer.toString(LocalProcesses.freePort()),
                "--otlp-http-port", Integer.toString(LocalProcesses.freePort()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("out.log").toFile()));
        pb.environment().remove("SIGHTLINE_JAVA_OPTS");
        if (javaOpts != null) {
            pb.environment().put("SIGHTLINE_JAVA_OPTS", javaOpts);
        }
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .untilAsserted(() -> {
                        assertThat(p.isAlive()).as("process alive; log:\n%s", log()).isTrue();
                        assertThat(LocalProcesses.get(http, httpPort, "/-/ready").statusCode()).isEqualTo(200);
                    });
        } catch (RuntimeException | Error e) {
            LocalProcesses.stop(p);
            throw e;
        }
        return p;
    }

    private String log() throws IOException {
        return Files.readString(tmp.resolve("out.log"));
    }
}
