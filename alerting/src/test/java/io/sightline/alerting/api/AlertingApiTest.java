package io.sightline.alerting.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.OpenTelemetry;
import io.sightline.alerting.AlertingConfig;
import io.sightline.alerting.AlertingService;
import io.sightline.query.HttpCall;
import io.sightline.query.HttpResult;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryEngines;
import io.sightline.query.Route;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP routes of a started AlertingService, called directly with requests as the API server passes them. */
class AlertingApiTest {
    @TempDir
    Path dir;
    private Storage storage;
    private AlertingService alerting;
    private List<Route> routes;
    /** Added to the system clock: lets a test move time on after the routes were made. */
    private final AtomicLong offsetMillis = new AtomicLong();
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return Instant.now().plusMillis(offsetMillis.get());
        }
    };

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: g
                    interval: 1h
                    rules:
                      - alert: Always
                        expr: vector(1)
                        for: 5m
                        labels: {severity: page}
                        annotations: {summary: always}
                      - record: one
                        expr: vector(1)
                """);
        storage = Storage.open(StorageConfig.defaults(dir.resolve("data")), OpenTelemetry.noop().getMeter("t"));
        AlertingConfig d = AlertingConfig.defaults(dir.resolve("data"), "http://s:9090");
        AlertingConfig cfg = new AlertingConfig(List.of(dir + "/rules.yml"), 60_000, Map.of(), null, d.externalUrl(),
                d.stateDir(), d.resendDelayMillis(), d.forGracePeriodMillis(), d.outageToleranceMillis(),
                d.notifyTickMillis(), d.notifyTimeoutMillis(), d.retryInitialBackoffMillis(), d.retryMaxBackoffMillis());
        alerting = AlertingService.start(cfg, QueryEngines.promql(storage, QueryConfig.defaults(), OpenTelemetry.noop().getMeter("t")),
                storage, storage, OpenTelemetry.noop().getMeter("t"), clock, k -> null);
        routes = alerting.routes();
    }

    @AfterEach
    void stop() {
        alerting.close();
        storage.close();
    }

    private JsonNode call(String method, String path, String body, int expectedStatus) throws Exception {
        Route r = routes.stream().filter(x -> x.methods().contains(method)
                && (x.isPrefix() ? path.startsWith(x.path()) : path.equals(x.path()))).findFirst().orElseThrow();
        HttpResult res = r.handler().handle(new HttpCall(method, path, Map.of(), Map.of(),
                body.getBytes(StandardCharsets.UTF_8)));
        assertThat(res.status()).as(new String(res.body(), StandardCharsets.UTF_8)).isEqualTo(expectedStatus);
        return res.body().length == 0 ? null : ApiJson.MAPPER.readTree(res.body());
    }

    @Test
    void rulesListsGroupsAndRulesInPrometheusShape() throws Exception {
        JsonNode root = call("GET", "/api/v1/rules", "", 200);
        assertThat(root.path("status").asText()).isEqualTo("success");
        JsonNode g = root.path("data").path("groups").get(0);
        assertThat(g.path("name").asText()).isEqualTo("g");
        assertThat(g.path("file").asText()).isEqualTo(dir + "/rules.yml");
        assertThat(g.path("interval").asDouble()).isEqualTo(3600);
        JsonNode alert = g.path("rules").get(0);
        assertThat(alert.path("type").asText()).isEqualTo("alerting");
        assertThat(alert.path("name").asText()).isEqualTo("Always");
        assertThat(alert.path("query").asText()).isEqualTo("vector(1)");
        assertThat(alert.path("duration").asDouble()).isEqualTo(300);
        assertThat(alert.path("labels").path("severity").asText()).isEqualTo("page");
        assertThat(alert.path("state").asText()).isEqualTo("inactive");
        assertThat(alert.path("health").asText()).isEqualTo("unknown");
        assertThat(alert.path("alerts").isArray()).isTrue();
        assertThat(g.path("rules").get(1).path("type").asText()).isEqualTo("recording");
        assertThat(call("GET", "/api/v1/alerts", "", 200).path("data").path("alerts").isArray()).isTrue();
    }

    @Test
    void silencesAreCreatedListedAndExpired() throws Exception {
        JsonNode created = call("POST", "/api/v2/silences", """
                {"matchers":[{"name":"alertname","value":"Always","isRegex":false,"isEqual":true}],
                 "startsAt":"2020-01-01T00:00:00Z","endsAt":"2999-01-01T00:00:00Z","createdBy":"me","comment":"test"}
                """, 200);
        String id = created.path("silenceID").asText();
        assertThat(id).isNotEmpty();
        JsonNode list = call("GET", "/api/v2/silences", "", 200);
        assertThat(list).hasSize(1);
        assertThat(list.get(0).path("status").path("state").asText()).isEqualTo("active");
        assertThat(list.get(0).path("matchers").get(0).path("name").asText()).isEqualTo("alertname");
        call("DELETE", "/api/v2/silence/" + id, "", 200);
        assertThat(call("GET", "/api/v2/silence/" + id, "", 200).path("status").path("state").asText()).isEqualTo("expired");
        call("GET", "/api/v2/silence/nope", "", 404);
        assertThat(call("POST", "/api/v2/silences", "{\"matchers\":[],\"endsAt\":\"2999-01-01T00:00:00Z\"}", 400).asText())
                .isEqualTo("silence must have at least one matcher");
        assertThat(call("POST", "/api/v2/silences", """
                {"matchers":[{"name":"a","value":".*","isRegex":true,"isEqual":true}],"endsAt":"2999-01-01T00:00:00Z"}
                """, 400).asText()).isEqualTo("at least one matcher must not match the empty string");
    }

    @Test
    void reloadWithAnUnparsableFileAnswers500AndKeepsRules() throws Exception {
        Files.writeString(dir.resolve("rules.yml"), "groups:\n  - name: g\n    rules:\n      - alert: X\n        expr: rate(\n");
        Route reload = routes.stream().filter(r -> r.path().equals("/-/reload")).findFirst().orElseThrow();
        HttpResult res = reload.handler().handle(new HttpCall("POST", "/-/reload", Map.of(), Map.of(), new byte[0]));
        assertThat(res.status()).isEqualTo(500);
        assertThat(new String(res.body(), StandardCharsets.UTF_8)).contains("group \"g\", rule 1, \"X\": could not parse expression");
        assertThat(call("GET", "/api/v1/rules", "", 200).path("data").path("groups").get(0).path("rules")).hasSize(2);
    }

    @Test
    void statusReportsWhenTheRoutesWereMadeThoughTheApiIsBuiltByTheFirstRequest() throws Exception {
        offsetMillis.set(86_400_000);
        JsonNode status = call("GET", "/api/v2/status", "", 200);
        assertThat(Instant.parse(status.path("uptime").asText())).isBefore(Instant.now().plusSeconds(3_600));
        assertThat(status.path("versionInfo").path("version").asText()).isNotEmpty();
    }

    @Test
    void formatsAlertValuesAsPrometheusDoes() {
        assertThat(ApiJson.floatE(1)).isEqualTo("1e+00");
        assertThat(ApiJson.floatE(0.1234)).isEqualTo("1.234e-01");
        assertThat(ApiJson.floatE(-12345678)).isEqualTo("-1.2345678e+07");
    }
}
