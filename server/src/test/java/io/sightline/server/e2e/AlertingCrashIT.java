package io.sightline.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kill -9 of a Sightline process while a notification waits for a failing receiver: after the restart the durable
 * outbox delivers it exactly once, and neither the rule engine's re-sent alert nor later group intervals send it again.
 */
class AlertingCrashIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final AlertReceiver receiver = new AlertReceiver();

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void aNotificationPendingAtKillMinus9IsDeliveredOnceAfterTheRestart() throws Exception {
        Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: always
                    rules:
                      - alert: AlwaysFiring
                        expr: vector(1)
                        labels: {severity: page}
                """);
        Path am = Files.writeString(dir.resolve("alertmanager.yml"), """
                route:
                  receiver: oncall
                  group_by: [alertname]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: oncall
                    webhook_configs: [{url: %s}]
                """.formatted(receiver.url("/hook")));
        Path config = Files.writeString(dir.resolve("sightline.yml"), """
                rule_files: [%s]
                global:
                  evaluation_interval: 1s
                alerting:
                  config_file: %s
                  external_url: http://sightline.example:9090
                  dispatch_tick: 100ms
                  retry_initial_backoff: 100ms
                  retry_max_backoff: 300ms
                """.formatted(dir.resolve("rules.yml"), am));
        Path data = dir.resolve("data");
        Path log = dir.resolve("child.log");
        receiver.answer(500);
        try (ChildSightline child = ChildSightline.start(data, log, "--config", config.toString())) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> receiver.at("/hook").size() >= 3);
            child.kill();
        }
        assertThat(receiver.at("/hook")).allMatch(r -> r.status() == 500);
        receiver.answer(200);
        try (ChildSightline child = ChildSightline.start(data, log, "--config", config.toString())) {
            ApiClient api = new ApiClient(child.httpPort);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> delivered() == 1);
            Instant deliveredAt = Instant.now();
            // let the rule engine re-send the alert and several group intervals pass after the delivery
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> lastEvaluation(api).isAfter(deliveredAt.plusSeconds(3)));
            assertThat(delivered()).isEqualTo(1);
            JsonNode body = JSON.readTree(receiver.at("/hook").stream().filter(r -> r.status() == 200).findFirst()
                    .orElseThrow().body());
            assertThat(body.path("notification_reason").asText()).isEqualTo("first notification");
            assertThat(body.path("alerts").get(0).path("labels").path("alertname").asText()).isEqualTo("AlwaysFiring");
            assertThat(Files.readString(log)).contains("notification outbox has pending notifications from before the restart");
        }
    }

    private long delivered() {
        return receiver.at("/hook").stream().filter(r -> r.status() == 200).count();
    }

    private static Instant lastEvaluation(ApiClient api) throws Exception {
        JsonNode groups = JSON.readTree(api.get("/api/v1/rules").body()).path("data").path("groups");
        String t = groups.get(0).path("lastEvaluation").asText();
        return t.isEmpty() ? Instant.EPOCH : Instant.parse(t);
    }
}
