package io.sightline.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.OpenTelemetry;
import io.sightline.alerting.state.Alert;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Route tree, grouping, continue, inhibition and silences, driven by an injected clock and a real receiver. */
class RoutingTest {
    private static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path dir;
    private final TestReceiver receiver = new TestReceiver();
    private final MutableClock clock = new MutableClock(T0);

    @AfterEach
    void stop() {
        receiver.close();
    }

    private NotifyConfig parse(String yaml) throws Exception {
        Path f = Files.writeString(dir.resolve("am.yml"), yaml.replace("URL", receiver.url("")));
        return new NotifyConfigParser(k -> k.equals("HOOK") ? receiver.url("/env") : null, "http://s:9090", 5_000).parse(f);
    }

    private static Alert alert(String... labels) {
        return new Alert(Labels.of(labels), Map.of(), T0, T0 + 600_000, "", 1);
    }

    private static final String CONFIG = """
            route:
              receiver: default
              group_by: [alertname]
              group_wait: 10s
              routes:
                - matchers: ['team="db"']
                  receiver: db
                  continue: true
                - matchers: ['severity=~"page|critical"']
                  receiver: pager
                  group_by: ['...']
            inhibit_rules:
              - source_matchers: [severity="critical"]
                target_matchers: [severity="warning"]
                equal: [cluster]
            receivers:
              - name: default
                webhook_configs: [{url: URL/default}]
              - name: db
                webhook_configs: [{url: URL/db}]
              - name: pager
                webhook_configs: [{url: '${HOOK}'}]
            """;

    @Test
    void routesWithContinueGroupByAllAndEnvUrls() throws Exception {
        try (Notifier n = new Notifier(new Notifier.Settings(dir.resolve("s"), "http://s:9090", 1000, 10, 50), clock,
                OpenTelemetry.noop().getMeter("t"))) {
            n.configure(parse(CONFIG));
            n.send(List.of(alert("alertname", "DiskFull", "team", "db", "severity", "page", "cluster", "eu1"),
                    alert("alertname", "DiskFull", "team", "web", "cluster", "eu1"),
                    alert("alertname", "Lag", "team", "web", "cluster", "eu1")));
            clock.advance(9_999);
            assertThat(n.tick()).isZero();
            clock.advance(1);
            assertThat(n.tick()).isEqualTo(4); // db, pager (grouped by all labels), default x2 (DiskFull, Lag)
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.delivered().size() == 4);
        }
        assertThat(receiver.delivered()).extracting(TestReceiver.Request::path)
                .containsExactlyInAnyOrder("/db", "/env", "/default", "/default");
        JsonNode pager = Json.MAPPER.readTree(receiver.delivered().stream().filter(r -> r.path().equals("/env")).findFirst().orElseThrow().body());
        assertThat(pager.path("groupKey").asText())
                .isEqualTo("{}/{severity=~\"page|critical\"}:{alertname=\"DiskFull\", cluster=\"eu1\", severity=\"page\", team=\"db\"}");
    }

    @Test
    void inhibitedAndSilencedAlertsAreNotSent() throws Exception {
        try (Notifier n = new Notifier(new Notifier.Settings(dir.resolve("s"), "http://s:9090", 1000, 10, 50), clock,
                OpenTelemetry.noop().getMeter("t"))) {
            n.configure(parse(CONFIG));
            n.silences().upsert(null, List.of(new Silences.SilenceMatcher("alertname", "Noisy", false, true)),
                    T0, T0 + 3_600_000, "me", "known", T0);
            n.send(List.of(alert("alertname", "Down", "severity", "critical", "cluster", "eu1"),
                    alert("alertname", "Slow", "severity", "warning", "cluster", "eu1"),
                    alert("alertname", "Slow2", "severity", "warning", "cluster", "us1"),
                    alert("alertname", "Noisy", "cluster", "eu1")));
            clock.advance(10_000);
            n.tick();
            await().atMost(Duration.ofSeconds(10)).until(() -> n.pendingCount() == 0 && receiver.delivered().size() == 2);
        }
        assertThat(receiver.delivered()).extracting(r -> Json.MAPPER.readTree(r.body()).path("groupLabels").path("alertname").asText())
                .containsExactlyInAnyOrder("Down", "Slow2");
    }

    @Test
    void dedupDecidesLikeAlertmanager() {
        NotificationLog.Entry last = new NotificationLog.Entry(java.util.Set.of("a"), java.util.Set.of(), T0, T0 + 1);
        long repeat = 3_600_000;
        assertThat(Dispatcher.reason(null, java.util.Set.of("a"), java.util.Set.of(), true, repeat, T0)).isEqualTo("first notification");
        assertThat(Dispatcher.reason(null, java.util.Set.of(), java.util.Set.of("a"), true, repeat, T0)).isNull();
        assertThat(Dispatcher.reason(last, java.util.Set.of("a", "b"), java.util.Set.of(), true, repeat, T0)).isEqualTo("new alerts added");
        assertThat(Dispatcher.reason(last, java.util.Set.of("a"), java.util.Set.of(), true, repeat, T0 + 60_000)).isNull();
        assertThat(Dispatcher.reason(last, java.util.Set.of("a"), java.util.Set.of(), true, repeat, T0 + repeat)).isEqualTo("repeat interval elapsed");
        assertThat(Dispatcher.reason(last, java.util.Set.of(), java.util.Set.of("a"), false, repeat, T0)).isEqualTo("all alerts resolved");
        NotificationLog.Entry two = new NotificationLog.Entry(java.util.Set.of("a", "b"), java.util.Set.of(), T0, T0 + 1);
        assertThat(Dispatcher.reason(two, java.util.Set.of("a"), java.util.Set.of("b"), true, repeat, T0)).isEqualTo("some alerts resolved");
        assertThat(Dispatcher.reason(two, java.util.Set.of("a"), java.util.Set.of("b"), false, repeat, T0)).isNull();
    }

    @Test
    void configErrorsNameFileAndPath() throws Exception {
        assertThatThrownBy(() -> parse("""
                route: {receiver: nobody}
                receivers: [{name: x}]
                """)).hasMessageEndingWith("route.receiver: undefined receiver \"nobody\" used in route");
        assertThatThrownBy(() -> parse("""
                route: {receiver: x, routes: [{matchers: ['team=~"("']}]}
                receivers: [{name: x}]
                """)).hasMessageContaining("route.routes[0].matchers: invalid regular expression");
        assertThatThrownBy(() -> parse("""
                route: {receiver: x}
                receivers: [{name: x, webhook_configs: [{url: '${MISSING}'}]}]
                """)).hasMessageContaining("receivers[0].webhook_configs[0].url: environment variable MISSING is not set");
        assertThatThrownBy(() -> parse("""
                route: {receiver: x, group_wait: soon}
                receivers: [{name: x}]
                """)).hasMessageContaining("route.group_wait: not a valid duration string: \"soon\"");
        assertThatThrownBy(() -> parse("""
                route: {receiver: x}
                receivers: [{name: x, pager_configs: [{}]}]
                """)).hasMessageContaining("receivers[0]: unknown field \"pager_configs\"");
        assertThatThrownBy(() -> parse("""
                global: {resolve_timout: 5m}
                route: {receiver: x}
                receivers: [{name: x}]
                """)).hasMessageContaining("global: unknown field \"resolve_timout\"");
    }

    @Test
    void anExistingAlertmanagerFileWithReceiversWeLackStillLoads() throws Exception {
        NotifyConfig c = parse("""
                global:
                  resolve_timeout: 5m
                  smtp_smarthost: mail:25
                  smtp_from: am@example.com
                route: {receiver: mixed}
                receivers:
                  - name: mixed
                    email_configs: [{to: ops@example.com}]
                    pagerduty_configs: [{routing_key: abc}]
                    webhook_configs: [{url: URL/hook}]
                """);
        assertThat(c.receivers().get("mixed")).extracting(Integration::type).containsExactly("webhook");
    }

    @Test
    void silencesSurviveARestart() {
        Notifier.Settings settings = new Notifier.Settings(dir.resolve("s"), "http://s:9090", 1000, 10, 50);
        String id;
        try (Notifier n = new Notifier(settings, clock, OpenTelemetry.noop().getMeter("t"))) {
            id = n.silences().upsert(null, List.of(new Silences.SilenceMatcher("job", "api", false, true)),
                    T0, T0 + 60_000, "me", "maintenance", T0);
        }
        try (Notifier n = new Notifier(settings, clock, OpenTelemetry.noop().getMeter("t"))) {
            assertThat(n.silences().get(id).comment()).isEqualTo("maintenance");
            assertThat(n.silences().isSilenced(Labels.of("job", "api", "x", "y"), T0 + 1)).isTrue();
            assertThat(n.silences().isSilenced(Labels.of("job", "api"), T0 + 60_000)).isFalse();
        }
    }
}
