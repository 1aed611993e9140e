package io.sightline.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar run the way the image runs it, without a container engine: the Dockerfile's ENTRYPOINT through
 * {@code sh -c} with its {@code JAVA_OPTS}, its CMD's {@code --config}, and the image's file layout (the container
 * config at etc/sightline/sightline.yml with deploy/rules next to it, which the Kubernetes ConfigMaps mount the same
 * way). Only what a host cannot give a test is changed: the jar's path, a free data directory and free ports on
 * 127.0.0.1 (as flags after the CMD, which override the file). Runs after {@code package}.
 */
class ImageCommandIT {
    private static final String JAR_IN_IMAGE = "/opt/sightline/sightline.jar";
    private static final String CONFIG_IN_IMAGE = "/etc/sightline/sightline.yml";

    @TempDir
    Path tmp;
    private final DeployFiles deploy = DeployFiles.locate();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theImageCommandStartsTheJarWithTheContainerConfigServesAllPortsAndStopsOnSigterm() throws Exception {
        Path jar = Path.of("target", "sightline.jar").toAbsolutePath();
        assertThat(jar).as("built by the package phase").isRegularFile();
        Path etc = Files.createDirectories(tmp.resolve("etc/sightline/rules"));
        Path config = Files.copy(deploy.path(DeployFiles.CONTAINER_CONFIG), etc.resolveSibling("sightline.yml"));
        List<String> ruleFiles = new ArrayList<>();
        try (Stream<Path> rules = Files.list(deploy.path("deploy/rules"))) {
            for (Path r : rules.sorted().toList()) {
                Files.copy(r, etc.resolve(r.getFileName()));
                ruleFiles.add(r.getFileName().toString());
            }
        }
        int httpPort = LocalProcesses.freePort();
        int grpcPort = LocalProcesses.freePort();
        int otlpHttpPort = LocalProcesses.freePort();

        List<String> entrypoint = DeployFiles.execForm(deploy.runtimeStage("ENTRYPOINT").getFirst());
        List<String> cmdArgs = DeployFiles.execForm(deploy.runtimeStage("CMD").getFirst());
        assertThat(entrypoint.subList(0, 2)).containsExactly("sh", "-c");
        assertThat(cmdArgs).containsExactly("--config", CONFIG_IN_IMAGE);
        List<String> command = new ArrayList<>(entrypoint);
        command.set(2, entrypoint.get(2).replace(JAR_IN_IMAGE, jar.toString()));
        command.addAll(List.of("--config", config.toString(),
                "--data-dir", tmp.resolve("data").toString(), "--listen-address", "127.0.0.1",
                "--http-port", Integer.toString(httpPort), "--otlp-grpc-port", Integer.toString(grpcPort),
                "--otlp-http-port", Integer.toString(otlpHttpPort)));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("out.log").toFile()));
        // The image's ENV (JAVA_OPTS, MALLOC_ARENA_MAX), and its `java` first on the PATH (this JDK stands in for the image's Temurin 25).
        pb.environment().putAll(deploy.runtimeEnv());
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        Process p = pb.start();
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .untilAsserted(() -> {
                        assertThat(p.isAlive()).as("process alive; log:\n%s", log()).isTrue();
                        assertThat(LocalProcesses.get(http, httpPort, "/-/ready").statusCode()).isEqualTo(200);
                    });

            // The rule files the config names relatively (rules/*.yml) are the ones loaded.
            JsonNode groups = DeployFiles.JSON.readTree(LocalProcesses.get(http, httpPort, "/api/v1/rules").body()).path("data").path("groups");
            List<String> loadedFiles = new ArrayList<>();
            groups.forEach(g -> loadedFiles.add(Path.of(g.path("file").asText()).getFileName().toString()));
            assertThat(loadedFiles).containsAll(List.of("sightline-self.yml"));
            assertThat(loadedFiles.stream().distinct().sorted().toList()).containsExactlyElementsOf(ruleFiles);

            // Both OTLP ports take data the API then serves.
            exportOverGrpc(grpcPort);
            String json = """
                    {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"image-test"}}]},
                     "scopeMetrics":[{"metrics":[{"name":"image_test_http","gauge":{"dataPoints":[{"timeUnixNano":"%d","asDouble":2}]}}]}]}]}
                    """.formatted(System.currentTimeMillis() * 1_000_000L);
            HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + otlpHttpPort + "/v1/metrics"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
            String result = LocalProcesses.get(http, httpPort, "/api/v1/query?query="
                    + URLEncoder.encode("sum(image_test_grpc) + sum(image_test_http)", StandardCharsets.UTF_8)).body();
            assertThat(DeployFiles.JSON.readTree(result).path("data").path("result").get(0).path("value").get(1).asText())
                    .as(result).isEqualTo("3");
        } finally {
            // exec in the ENTRYPOINT makes java the process sh started, so SIGTERM reaches its shutdown hook.
            LocalProcesses.stop(p);
        }
        assertThat(p.exitValue()).as(log()).isIn(0, 143);
        assertThat(log()).contains("Sightline stopped");
    }

    private void exportOverGrpc(int port) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            NumberDataPoint point = NumberDataPoint.newBuilder().setTimeUnixNano(System.currentTimeMillis() * 1_000_000L)
                    .setAsDouble(1).build();
            MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).export(
                    ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                            .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                                    .setValue(AnyValue.newBuilder().setStringValue("image-test"))))
                            .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName("image_test_grpc")
                                    .setGauge(Gauge.newBuilder().addDataPoints(point))))).build());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private String log() throws IOException {
        return Files.readString(tmp.resolve("out.log"));
    }
}
