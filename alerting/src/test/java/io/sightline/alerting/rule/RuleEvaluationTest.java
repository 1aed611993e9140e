package io.sightline.alerting.rule;

import io.sightline.alerting.state.ActiveAlert;
import io.sightline.alerting.state.Alert;
import io.sightline.alerting.state.AlertState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RuleEvaluationTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final String RULES = """
            groups:
              - name: errors
                interval: 15s
                rules:
                  - record: service:errors:max
                    expr: max by (service) (errors)
                  - alert: TooManyErrors
                    expr: errors > 5
                    for: 30s
                    labels:
                      severity: "{{ if gt $value 100.0 }}critical{{ else }}warning{{ end }}"
                    annotations:
                      summary: "{{ $labels.service }} has {{ $value | humanize }} errors in {{ $externalLabels.cluster }}"
            """;

    @TempDir
    Path dir;

    @Test
    void alertGoesPendingThenFiringThenResolvedAndWritesAlertsSeries() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.yml"), RULES);
        try (RuleTestSupport s = new RuleTestSupport(dir.resolve("data"))) {
            s.manager.load(List.of(rules.toString()));
            AlertingRule rule = (AlertingRule) s.manager.groups().getFirst().rules().get(1);

            s.write("errors", T0, 10, "service", "checkout");
            s.evaluateAll(T0);
            assertThat(rule.alerts()).extracting(ActiveAlert.Snapshot::state).containsExactly(AlertState.PENDING);
            assertThat(s.sent).isEmpty();
            assertThat(s.query("ALERTS", T0)).singleElement().satisfies(x -> {
                assertThat(x.labels().get("alertstate")).isEqualTo("pending");
                assertThat(x.labels().get("severity")).isEqualTo("warning");
            });
            assertThat(s.query("service:errors:max", T0)).singleElement().satisfies(x -> assertThat(x.value()).isEqualTo(10));

            s.write("errors", T0 + 30_000, 10, "service", "checkout");
            s.evaluateAll(T0 + 30_000);
            assertThat(rule.state()).isEqualTo(AlertState.FIRING);
            assertThat(s.sent).singleElement().satisfies(a -> {
                assertThat(a.labels().get("alertname")).isEqualTo("TooManyErrors");
                assertThat(a.annotations()).containsEntry("summary", "checkout has 10 errors in eu1");
                assertThat(a.startsAtMillis()).isEqualTo(T0 + 30_000);
                assertThat(a.isResolvedAt(T0 + 30_000)).isFalse();
                assertThat(a.generatorUrl()).isEqualTo("http://sightline:9090/graph?g0.expr=errors%20%3E%205&g0.tab=1");
            });
            assertThat(s.query("ALERTS{alertstate=\"firing\"}", T0 + 30_000)).hasSize(1);
            assertThat(s.query("ALERTS_FOR_STATE", T0 + 30_000)).singleElement()
                    .satisfies(x -> assertThat(x.value()).isEqualTo(T0 / 1000.0));

            s.write("errors", T0 + 45_000, 1, "service", "checkout");
            s.evaluateAll(T0 + 45_000);
            assertThat(rule.state()).isEqualTo(AlertState.INACTIVE);
            Alert resolved = s.sent.getLast();
            assertThat(resolved.isResolvedAt(T0 + 45_000)).isTrue();
            assertThat(resolved.endsAtMillis()).isEqualTo(T0 + 45_000);
            // ALERTS got a stale marker, so the series ends with the alert
            assertThat(s.query("ALERTS", T0 + 45_000)).isEmpty();
        }
    }

    @Test
    void keepFiringForHoldsTheAlertAfterTheConditionClears() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: g
                    rules:
                      - alert: Flappy
                        expr: up == 0
                        keep_firing_for: 1m
                """);
        try (RuleTestSupport s = new RuleTestSupport(dir.resolve("data"))) {
            s.manager.load(List.of(rules.toString()));
            AlertingRule rule = (AlertingRule) s.manager.groups().getFirst().rules().getFirst();
            s.write("up", T0, 0);
            s.evaluateAll(T0);
            assertThat(rule.state()).isEqualTo(AlertState.FIRING);
            s.write("up", T0 + 15_000, 1);
            s.evaluateAll(T0 + 15_000);
            assertThat(rule.state()).isEqualTo(AlertState.FIRING);
            assertThat(rule.alerts().getFirst().keepFiringSinceMillis()).isEqualTo(T0 + 15_000);
            s.write("up", T0 + 75_000, 1);
            s.evaluateAll(T0 + 75_000);
            assertThat(rule.state()).isEqualTo(AlertState.INACTIVE);
        }
    }

    @Test
    void pendingStateIsRestoredFromAlertsForStateAfterARestart() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: g
                    rules:
                      - alert: Slow
                        expr: latency > 1
                        for: 2m
                """);
        Path data = dir.resolve("data");
        try (RuleTestSupport s = new RuleTestSupport(data)) {
            s.manager.load(List.of(rules.toString()));
            for (long t = T0; t <= T0 + 60_000; t += 15_000) {
                s.write("latency", t, 2);
                s.evaluateAll(t);
            }
            assertThat(((AlertingRule) s.manager.groups().getFirst().rules().getFirst()).alerts().getFirst().activeAtMillis())
                    .isEqualTo(T0);
        }
        // down for 30 s; after the restart the minute already spent pending counts, the downtime does not
        long restart = T0 + 90_000;
        try (RuleTestSupport s = new RuleTestSupport(data)) {
            s.manager.load(List.of(rules.toString()));
            s.write("latency", restart, 2);
            s.evaluateAll(restart);
            AlertingRule rule = (AlertingRule) s.manager.groups().getFirst().rules().getFirst();
            assertThat(rule.alerts().getFirst().activeAtMillis()).isEqualTo(T0 + 30_000);
            s.write("latency", restart + 45_000, 2);
            s.evaluateAll(restart + 45_000);
            assertThat(rule.state()).isEqualTo(AlertState.PENDING);
            s.write("latency", restart + 60_000, 2);
            s.evaluateAll(restart + 60_000);
            assertThat(rule.state()).isEqualTo(AlertState.FIRING);
        }
    }

    @Test
    void groupQueryOffsetAndGroupLabelsApplyToEveryRule() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: g
                    query_offset: 1m
                    labels: {team: db, tier: gold}
                    rules:
                      - record: copy
                        expr: src
                        labels: {tier: silver}
                """);
        try (RuleTestSupport s = new RuleTestSupport(dir.resolve("data"))) {
            s.manager.load(List.of(rules.toString()));
            s.write("src", T0 + 60_000, 7);
            s.evaluateAll(T0 + 60_000); // queries at T0: the sample is not there yet
            assertThat(s.query("copy", T0 + 60_000)).isEmpty();
            s.evaluateAll(T0 + 120_000);
            assertThat(s.query("copy", T0 + 120_000)).singleElement().satisfies(x -> {
                assertThat(x.value()).isEqualTo(7);
                assertThat(x.labels().get("team")).isEqualTo("db");
                assertThat(x.labels().get("tier")).isEqualTo("silver");
            });
        }
    }
}
