package io.sightline.alerting.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.OpenTelemetry;
import io.sightline.alerting.notify.MutableClock;
import io.sightline.alerting.notify.Notifier;
import io.sightline.alerting.notify.NotifyConfigParser;
import io.sightline.alerting.notify.Silences;
import io.sightline.alerting.state.Alert;
import io.sightline.query.HttpCall;
import io.sightline.query.HttpResult;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Alertmanager's API v2 read endpoints in the JSON shapes Grafana's Alertmanager data source reads: alerts with
 * receivers, silences, inhibitions and time mutes; groups; status with the redacted config; receivers.
 */
class AlertmanagerApiTest {
    /** Friday 2027-01-15 08:00 UTC. */
    private static final long T0 = 1_800_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(T0);
    private Notifier notifier;
    private AlertmanagerApi api;

    @BeforeEach
    void start() throws Exception {
        Path cfg = Files.writeString(dir.resolve("alertmanager.yml"), """
                time_intervals:
                  - name: mornings
                    time_intervals: [{times: [{start_time: '07:00', end_time: '09:00'}]}]
                route:
                  receiver: default
                  group_by: [alertname]
                  routes:
                    - receiver: db-team
                      matchers: [team="db"]
                      mute_time_intervals: [mornings]
                inhibit_rules:
                  - source_matchers: [severity="critical"]
                    target_matchers: [severity="warning"]
                    equal: [cluster]
                receivers:
                  - name: default
                    slack_configs: [{api_url: 'https://hooks.slack.example/services/SECRET', channel: '#ops'}]
                  - name: db-team
                    webhook_configs: [{url: 'http://127.0.0.1:1/db'}]
                """);
        notifier = new Notifier(new Notifier.Settings(dir.resolve("state"), "http://sightline:9090", 1000, 10, 50), clock,
                OpenTelemetry.noop().getMeter("t"));
        notifier.configure(new NotifyConfigParser(k -> null, "http://sightline:9090", 5_000).parse(cfg));
        notifier.send(List.of(
                alert("alertname", "DiskFull", "severity", "critical", "cluster", "eu1"),
                alert("alertname", "SlowDisk", "severity", "warning", "cluster", "eu1"),
                alert("alertname", "Lag", "team", "db", "cluster", "us1"),
                alert("alertname", "Noisy", "cluster", "us1"),
                new Alert(Labels.of("alertname", "Gone"), Map.of(), T0 - 60_000, T0 - 1, "", 1)));
        notifier.silences().upsert(null, List.of(new Silences.SilenceMatcher("alertname", "Noisy", false, true)),
                T0 - 1000, T0 + 3_600_000, "me", "known", T0);
        api = new AlertmanagerApi(notifier, clock, "1.2.3");
    }

    @AfterEach
    void stop() {
        notifier.close();
    }

    private static Alert alert(String... labels) {
        return new Alert(Labels.of(labels), Map.of("summary", "s"), T0, T0 + 240_000, "http://sightline:9090/graph", 1);
    }

    private static JsonNode call(Function<HttpCall, HttpResult> endpoint, String... params) throws Exception {
        Map<String, List<String>> p = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            p.computeIfAbsent(params[i], k -> new ArrayList<>()).add(params[i + 1]);
        }
        HttpResult r = endpoint.apply(new HttpCall("GET", "/", p, Map.of(), new byte[0]));
        JsonNode n = JSON.readTree(r.body());
        assertThat(r.status()).as(n.toString()).isLessThan(500);
        return n;
    }

    private static List<String> names(JsonNode alerts) {
        List<String> out = new ArrayList<>();
        alerts.forEach(a -> out.add(a.path("labels").path("alertname").asText()));
        return out;
    }

    @Test
    void listsUnresolvedAlertsWithReceiversAndWhatSuppressesThem() throws Exception {
        JsonNode alerts = call(api::alerts);
        assertThat(names(alerts)).containsExactly("DiskFull", "SlowDisk", "Lag", "Noisy");
        JsonNode disk = alerts.get(0);
        assertThat(disk.path("status").path("state").asText()).isEqualTo("active");
        assertThat(disk.path("receivers").get(0).path("name").asText()).isEqualTo("default");
        assertThat(disk.path("startsAt").asText()).isEqualTo("2027-01-15T08:00:00Z");
        assertThat(disk.path("fingerprint").asText()).hasSize(16);
        assertThat(disk.path("generatorURL").asText()).isEqualTo("http://sightline:9090/graph");
        assertThat(disk.path("annotations").path("summary").asText()).isEqualTo("s");
        JsonNode slow = alerts.get(1).path("status");
        assertThat(slow.path("state").asText()).isEqualTo("suppressed");
        assertThat(slow.path("inhibitedBy").get(0).asText()).isEqualTo(disk.path("fingerprint").asText());
        JsonNode lag = alerts.get(2);
        assertThat(lag.path("receivers").get(0).path("name").asText()).isEqualTo("db-team");
        assertThat(lag.path("status").path("mutedBy").get(0).asText()).isEqualTo("mornings");
        assertThat(alerts.get(3).path("status").path("silencedBy")).hasSize(1);
    }

    @Test
    void filtersByMatchersStateAndReceiverAsAlertmanagerDoes() throws Exception {
        assertThat(names(call(api::alerts, "filter", "cluster=\"eu1\"", "filter", "alertname=~\"Disk.*\"")))
                .containsExactly("DiskFull");
        assertThat(names(call(api::alerts, "silenced", "false", "inhibited", "false", "muted", "false")))
                .containsExactly("DiskFull");
        assertThat(names(call(api::alerts, "active", "false"))).containsExactly("SlowDisk", "Lag", "Noisy");
        assertThat(names(call(api::alerts, "receiver", "db-.*"))).containsExactly("Lag");
        assertThat(call(api::alerts, "filter", "alertname=~\"(\"").asText()).startsWith("bad matcher format");
        assertThat(call(api::alerts, "active", "maybe").asText()).isEqualTo("active in query must be of type boolean: \"maybe\"");
    }

    @Test
    void groupsAlertsByRouteAndGroupLabels() throws Exception {
        JsonNode groups = call(api::groups);
        assertThat(groups).hasSize(4);
        JsonNode lag = null;
        for (JsonNode g : groups) {
            if (g.path("labels").path("alertname").asText().equals("Lag")) {
                lag = g;
            }
        }
        assertThat(lag).isNotNull();
        assertThat(lag.path("receiver").path("name").asText()).isEqualTo("db-team");
        assertThat(names(lag.path("alerts"))).containsExactly("Lag");
        assertThat(call(api::groups, "receiver", "default")).hasSize(3);
    }

    @Test
    void statusReportsVersionUptimeAndTheConfigWithSecretsRedacted() throws Exception {
        JsonNode s = call(api::status);
        assertThat(s.path("cluster").path("status").asText()).isEqualTo("disabled");
        assertThat(s.path("versionInfo").path("version").asText()).isEqualTo("1.2.3");
        assertThat(s.path("uptime").asText()).isEqualTo("2027-01-15T08:00:00Z");
        String original = s.path("config").path("original").asText();
        assertThat(original).contains("receiver: \"default\"").contains("api_url: \"<secret>\"").doesNotContain("SECRET")
                .contains("url: \"<secret>\"");
    }

    @Test
    void silencesFilterByMatchersAsAlertmanagerDoes() throws Exception {
        SilencesApi silences = new SilencesApi(notifier.silences(), clock);
        assertThat(call(silences::list, "filter", "alertname=\"Noisy\"")).hasSize(1);
        assertThat(call(silences::list, "filter", "alertname=~\"No.*\"")).hasSize(1);
        assertThat(call(silences::list, "filter", "alertname=\"Other\"")).isEmpty();
        assertThat(call(silences::list)).hasSize(1);
    }

    @Test
    void listsTheReceivers() throws Exception {
        assertThat(call(api::receivers).findValuesAsText("name")).containsExactly("default", "db-team");
    }
}
