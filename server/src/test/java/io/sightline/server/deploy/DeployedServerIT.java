package io.sightline.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.sightline.server.Sightline;
import io.sightline.server.config.ConfigSource;
import io.sightline.server.config.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sightline started in process with the container config (deploy/sightline.container.yml copied with
 * deploy/rules/*.yml into the image's layout: the file and rules/ next to it) serves what the deploy files expect: the probe paths of the image and the StatefulSet, the
 * image's HEALTHCHECK command, and at /metrics every self-metric the Grafana dashboard and the self-alert rules use.
 * Overridden: the data directory and ports (temporary and free ones), plus a one-second evaluation interval and
 * a routing file with a working, a retrying (503) and a refusing (400) webhook and one extra rule that fails, so
 * that within seconds rules have run and failed and notifications have been sent, retried and dropped: those
 * counters only appear after such traffic (the test sends the ingest and query traffic itself).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeployedServerIT {
    private static final Pattern LABEL_LIST = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern MATCHER_LABEL = Pattern.compile("[{,]\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern SERVED_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    @TempDir
    static Path dir;
    private final DeployFiles deploy = DeployFiles.locate();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HttpServer webhooks;
    private Sightline sightline;

    @BeforeAll
    void start() throws IOException {
        webhooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        for (var hook : List.of(new Object[]{"/ok", 200}, new Object[]{"/flaky", 503}, new Object[]{"/broken", 400})) {
            webhooks.createContext((String) hook[0], ex -> {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders((Integer) hook[1], -1);
                ex.close();
            });
        }
        webhooks.start();
        String base = "http://127.0.0.1:" + webhooks.getAddress().getPort();
        Path routing = Files.writeString(dir.resolve("alertmanager.yml"), """
                route:
                  receiver: ok
                  group_by: [alertname]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                  routes:
                    - {receiver: flaky, continue: true}
                    - {receiver: broken, continue: true}
                    - {receiver: ok}
                receivers:
                  - {name: ok, webhook_configs: [{url: "%1$s/ok"}]}
                  - {name: flaky, webhook_configs: [{url: "%1$s/flaky"}]}
                  - {name: broken, webhook_configs: [{url: "%1$s/broken"}]}
                """.formatted(base));
        // The image's layout: the config file with rules/ next to it (where its rule_files: rules/*.yml points), plus
        // one rule that fails in evaluation, so that the rule-failure counter exists.
        Path etc = Files.createDirectories(dir.resolve("etc/sightline/rules"));
        Path config = Files.copy(deploy.path(DeployFiles.CONTAINER_CONFIG), etc.resolveSibling("sightline.yml"));
        try (var rules = Files.list(deploy.path("deploy/rules"))) {
            for (Path r : rules.toList()) {
                Files.copy(r, etc.resolve(r.getFileName()));
            }
        }
        Files.writeString(etc.resolve("deploy-test-failing.yml"), """
                groups:
                  - name: deploy-test-failing
                    rules:
                      - record: many_to_many
                        expr: vector(1) + on() (vector(1) or label_replace(vector(2), "a", "b", "", ""))
                """);
        ConfigSource src = ConfigSource.fromYaml(config)
                .override("data_dir", dir.resolve("data").toString(), "test")
                .override("listen_address", "127.0.0.1", "test")
                .override("http_port", "0", "test")
                .override("otlp.grpc_port", "0", "test")
                .override("otlp.http_port", "0", "test")
                .override("global.evaluation_interval", "1s", "test")
                .override("alerting.config_file", routing.toString(), "test")
                .override("alerting.dispatch_tick", "100ms", "test");
        sightline = Sightline.start(ServerConfig.from(src));
    }

    @AfterAll
    void stop() {
        if (sightline != null) {
            sightline.close();
        }
        if (webhooks != null) {
            webhooks.stop(0);
        }
    }

    @Test
    void probePathsOfTheStatefulSetAndTheImageAnswer200() {
        JsonNode c = deploy.kubernetesObject("statefulset.yaml", "StatefulSet")
                .path("spec").path("template").path("spec").path("containers").get(0);
        Set<String> paths = new TreeSet<>();
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            paths.add(c.path(probe).path("httpGet").path("path").asText());
        }
        assertThat(paths).containsExactly("/-/healthy", "/-/ready");
        for (String p : paths) {
            assertThat(get(p).statusCode()).as("GET %s", p).isEqualTo(200);
        }
    }

    @Test
    void imageHealthcheckCommandSucceedsAgainstTheServerAndFailsWithoutOne() throws Exception {
        String healthcheck = deploy.runtimeStage("HEALTHCHECK").getFirst();
        List<String> cmd = DeployFiles.execForm(healthcheck.substring(healthcheck.indexOf("CMD ") + 4));
        String portInImage = "/dev/tcp/127.0.0.1/" + ServerConfig.DEFAULT_HTTP_PORT;
        assertThat(String.join(" ", cmd)).contains(portInImage);
        assertThat(run(retarget(cmd, portInImage, sightline.httpPort()))).as("healthcheck against the server").isZero();
        int nobody;
        try (ServerSocket s = new ServerSocket(0)) {
            nobody = s.getLocalPort();
        }
        assertThat(run(retarget(cmd, portInImage, nobody))).as("healthcheck against a closed port").isNotZero();
    }

    @Test
    void everySelfMetricTheDashboardAndTheSelfRulesUseIsServedAtSlashMetricsOnceThereIsTraffic() {
        Set<String> used = new TreeSet<>();
        for (String[] e : selfExpressions()) {
            used.addAll(DeployFiles.selfMetricNames(e[1]));
        }
        assertThat(used).hasSizeGreaterThan(20);
        sendOneGoodAndOneRejectedSample();
        sendOneGoodAndOneRejectedLogRecordAndSpan();
        assertThat(get("/api/v1/query?query=" + enc("vector(1) + on() (vector(1) or label_replace(vector(2), \"a\", \"b\", \"\", \"\"))"))
                .statusCode()).as("a query failing in execution").isEqualTo(422);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(servedMetricNames()).containsAll(used));
    }

    @Test
    void labelsTheDashboardAndTheSelfRulesGroupAndFilterByAreOnTheServedMetrics() {
        sendOneGoodAndOneRejectedSample();
        Set<String> served = new TreeSet<>(Set.of("job", "instance", "le")); // job and instance come from the scrape
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Matcher m = SERVED_LABEL.matcher(get("/metrics").body());
            while (m.find()) {
                served.add(m.group(1));
            }
            assertThat(served).contains("reason", "receiver", "integration", "rule_group", "status", "protocol");
        });
        for (String[] e : selfExpressions()) {
            String expr = e[1].replaceAll("\\{\\{[^}]*}}", "");
            Set<String> labels = new TreeSet<>();
            for (Pattern p : List.of(LABEL_LIST, MATCHER_LABEL)) {
                Matcher m = p.matcher(expr);
                while (m.find()) {
                    for (String l : m.group(1).split(",")) {
                        if (!l.isBlank()) {
                            labels.add(l.strip());
                        }
                    }
                }
            }
            assertThat(served).as("labels of %s: %s", e[0], e[1]).containsAll(labels);
        }
    }

    @Test
    void everyDashboardAndSelfRuleExpressionIsValidPromqlForTheServer() {
        List<String[]> all = new ArrayList<>(selfExpressions());
        for (String dashboard : deploy.dashboards()) {
            all.addAll(deploy.dashboardExpressions(dashboard));
        }
        for (String[] e : all) {
            String expr = e[1].replace("$__rate_interval", "1m").replace("$job", ".*").replace("$instance", ".*")
                    .replace("$service", ".*");
            HttpResponse<String> r = get("/api/v1/query?query=" + enc(expr));
            assertThat(r.statusCode()).as("%s: %s -> %s", e[0], expr, r.body()).isEqualTo(200);
        }
    }

    @Test
    void selfRulesLoadFromTheRelativeRuleFilesPathEvaluateCleanlyAndTheWatchdogFires() {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            JsonNode groups = DeployFiles.JSON.readTree(get("/api/v1/rules").body()).path("data").path("groups");
            JsonNode self = null;
            for (JsonNode g : groups) {
                if ("sightline-self".equals(g.path("name").asText())) {
                    self = g;
                }
            }
            assertThat(self).as("group sightline-self in %s", groups).isNotNull();
            assertThat(self.path("rules")).hasSize(deploy.selfRuleExpressions().size());
            for (JsonNode r : self.path("rules")) {
                assertThat(r.path("health").asText()).as("%s: %s", r.path("name").asText(), r.path("lastError").asText())
                        .isEqualTo("ok");
            }
            JsonNode alerts = DeployFiles.JSON.readTree(get("/api/v1/alerts").body()).path("data").path("alerts");
            assertThat(alerts.findValuesAsText("state")).isNotEmpty();
            assertThat(alerts).anySatisfy(a -> {
                assertThat(a.path("labels").path("alertname").asText()).isEqualTo("SightlineWatchdog");
                assertThat(a.path("state").asText()).isEqualTo("firing");
            });
        });
    }

    /** The self dashboard's and the self rules' expressions: they must find Sightline's own metrics and labels. */
    private List<String[]> selfExpressions() {
        List<String[]> all = new ArrayList<>(deploy.dashboardExpressions(DeployFiles.SELF_DASHBOARD));
        all.addAll(deploy.selfRuleExpressions());
        return all;
    }

    /** One point now and one with a zero timestamp, which ingest rejects with reason invalid_timestamp. */
    private void sendOneGoodAndOneRejectedSample() {
        long nowNanos = System.currentTimeMillis() * 1_000_000L;
        String body = """
                {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"deploy-test"}}]},
                 "scopeMetrics":[{"metrics":[{"name":"deploy_test_queue_depth","gauge":{"dataPoints":[
                   {"timeUnixNano":"%d","asDouble":1},
                   {"timeUnixNano":"0","asDouble":2,"attributes":[{"key":"q","value":{"stringValue":"bad"}}]}]}}]}]}]}
                """.formatted(nowNanos);
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sightline.otlpHttpPort() + "/v1/metrics"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(r.statusCode()).as("OTLP/HTTP export: %s", r.body()).isEqualTo(200);
    }

    /**
     * One stored and one rejected log record (an attribute over ingest.max_label_value_length) and span (an all-zero
     * trace id), so that the logs' and spans' accepted and rejected counters exist.
     */
    private void sendOneGoodAndOneRejectedLogRecordAndSpan() {
        long nowNanos = System.currentTimeMillis() * 1_000_000L;
        String resource = "{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"deploy-test\"}}]}";
        String logs = """
                {"resourceLogs":[{"resource":%s,"scopeLogs":[{"logRecords":[
                  {"timeUnixNano":"%d","body":{"stringValue":"ok"}},
                  {"timeUnixNano":"%d","body":{"stringValue":"bad"},"attributes":[{"key":"big","value":{"stringValue":"%s"}}]}]}]}]}
                """.formatted(resource, nowNanos, nowNanos, "x".repeat(5000));
        String spans = """
                {"resourceSpans":[{"resource":%s,"scopeSpans":[{"spans":[
                  {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"ok","kind":2,
                   "startTimeUnixNano":"%d","endTimeUnixNano":"%d"},
                  {"traceId":"00000000000000000000000000000000","spanId":"b7ad6b7169203332","name":"bad","kind":2,
                   "startTimeUnixNano":"%d","endTimeUnixNano":"%d"}]}]}]}
                """.formatted(resource, nowNanos, nowNanos + 1_000_000, nowNanos, nowNanos + 1_000_000);
        for (String[] post : List.of(new String[]{"/v1/logs", logs, "rejectedLogRecords"}, new String[]{"/v1/traces", spans, "rejectedSpans"})) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sightline.otlpHttpPort() + post[0]))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(post[1])).build());
            assertThat(r.statusCode()).as("OTLP/HTTP %s: %s", post[0], r.body()).isEqualTo(200);
            assertThat(r.body()).as(post[0]).contains("\"" + post[2] + "\":\"1\"");
        }
    }

    private Set<String> servedMetricNames() {
        Set<String> names = new TreeSet<>();
        for (String line : get("/metrics").body().split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
                names.add(line.substring(0, end));
            }
        }
        return names;
    }

    private static List<String> retarget(List<String> cmd, String portInImage, int port) {
        return cmd.stream().map(a -> a.replace(portInImage, "/dev/tcp/127.0.0.1/" + port)).toList();
    }

    private static int run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("healthcheck command did not finish: " + cmd);
        }
        return p.exitValue();
    }

    private HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sightline.httpPort() + pathAndQuery)).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
