package io.sightline.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.sightline.alerting.state.Alert;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class NotifierDeliveryTest extends AbstractNotifierTest {
    private Notifier start() throws Exception {
        return notifier("""
                route:
                  receiver: team-x
                  group_by: [alertname]
                  group_wait: 10s
                  group_interval: 1m
                  repeat_interval: 4h
                receivers:
                  - name: team-x
                    webhook_configs:
                      - url: %s
                """.formatted(receiver.url("/hook")));
    }

    private static Alert firing(String instance) {
        return new Alert(Labels.of("alertname", "HighLatency", "instance", instance, "severity", "page"),
                Map.of("summary", "p99 is high"), T0, T0 + 240_000, "http://sightline:9090/graph?g0.expr=x&g0.tab=1", 1.5);
    }

    @Test
    void receiverAnswering500TwiceThen200GetsTheNotificationExactlyOnce() throws Exception {
        receiver.answer(n -> n <= 2 ? 500 : 200);
        try (Notifier n = start()) {
            n.send(List.of(firing("a")));
            clock.advance(10_000);
            assertThat(n.tick()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> n.pendingCount() == 0);
            // same alert again, group_interval later: nothing new, so nothing is sent
            n.send(List.of(firing("a")));
            clock.advance(60_000);
            n.tick();
            assertThat(n.pendingCount()).isZero();
        }
        assertThat(receiver.requests()).extracting(TestReceiver.Request::answeredStatus).containsExactly(500, 500, 200);
        JsonNode body = Json.MAPPER.readTree(receiver.delivered().getFirst().body());
        assertThat(body.path("version").asText()).isEqualTo("4");
        assertThat(body.path("status").asText()).isEqualTo("firing");
        assertThat(body.path("notification_reason").asText()).isEqualTo("first notification");
        assertThat(body.path("alerts")).hasSize(1);
        assertThat(failedCount()).isEqualTo(2);
    }

    @Test
    void aFailingReceiverIsNotRequeuedEveryGroupIntervalWhileItsNotificationIsPending() throws Exception {
        receiver.answer(n -> 503);
        try (Notifier n = start()) {
            n.send(List.of(firing("a")));
            clock.advance(10_000);
            n.tick();
            assertThat(n.pendingEntries()).hasSize(1);
            long version = n.pendingEntries().getFirst().version();
            for (int i = 0; i < 2; i++) { // alerts stay firing until T0 + 240 s
                n.send(List.of(firing("a")));
                clock.advance(60_000);
                n.tick();
                assertThat(n.pendingEntries()).as("after flush %d with unchanged alerts", i)
                        .extracting(Outbox.Entry::version).containsExactly(version);
            }
            // new content still replaces what is pending
            n.send(List.of(firing("a"), firing("b")));
            clock.advance(60_000);
            n.tick();
            assertThat(n.pendingEntries()).singleElement().satisfies(e -> {
                assertThat(e.version()).isGreaterThan(version);
                assertThat(e.firing()).hasSize(2);
            });
        }
    }

    @Test
    void aRestartBetweenFailuresLosesNothingAndDuplicatesNothing() throws Exception {
        receiver.answer(n -> 500);
        try (Notifier n = start()) {
            n.send(List.of(firing("a")));
            clock.advance(10_000);
            n.tick();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> receiver.requests().size() >= 2);
        }
        int failedBeforeRestart = receiver.requests().size();
        receiver.answer(n -> n <= 2 ? 500 : 200);
        try (Notifier n = start()) {
            // the outbox survived: delivery resumes without any new alert
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> n.pendingCount() == 0);
            assertThat(receiver.delivered()).hasSize(1);
            // rule evaluation re-sends the firing alert after the restart; the durable log knows it was delivered
            n.send(List.of(firing("a")));
            clock.advance(10_000);
            n.tick();
            clock.advance(60_000);
            n.tick();
            assertThat(n.pendingCount()).isZero();
        }
        assertThat(receiver.requests()).hasSize(failedBeforeRestart + 1);
        assertThat(receiver.delivered()).hasSize(1);
    }

    @Test
    void resolvedAlertsAreSentOnceWhenTheGroupResolves() throws Exception {
        try (Notifier n = start()) {
            n.send(List.of(firing("a"), firing("b")));
            clock.advance(10_000);
            n.tick();
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.delivered().size() == 1);
            Alert a = firing("a");
            n.send(List.of(new Alert(a.labels(), a.annotations(), a.startsAtMillis(), clock.millis(), a.generatorUrl(), a.value())));
            clock.advance(60_000);
            n.tick();
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.delivered().size() == 2);
            JsonNode body = Json.MAPPER.readTree(receiver.delivered().get(1).body());
            assertThat(body.path("status").asText()).isEqualTo("firing");
            assertThat(body.path("notification_reason").asText()).isEqualTo("some alerts resolved");
            assertThat(body.path("alerts").get(0).path("status").asText()).isEqualTo("resolved");
            assertThat(body.path("alerts").get(1).path("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        }
    }

    private long failedCount() {
        return metrics.collectAllMetrics().stream()
                .filter(m -> m.getName().equals("sightline_alerting_notifications_failed_total"))
                .map(MetricData::getLongSumData).flatMap(d -> d.getPoints().stream())
                .filter(p -> "team-x".equals(p.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("receiver"))))
                .mapToLong(LongPointData::getValue).sum();
    }

    @Test
    void retryAfterOfA429IsHonouredOverTheShorterBackoff() throws Exception {
        // backoff here is 20-100 ms; the chat service asks for 1 s
        receiver.answer(n -> n == 1 ? 429 : 200);
        receiver.retryAfter("1");
        try (Notifier n = start()) {
            n.send(List.of(firing("a")));
            clock.advance(10_000);
            n.tick();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> n.pendingCount() == 0);
        }
        List<TestReceiver.Request> r = receiver.requests();
        assertThat(r).extracting(TestReceiver.Request::answeredStatus).containsExactly(429, 200);
        assertThat(Duration.ofNanos(r.get(1).arrivedNanos() - r.get(0).arrivedNanos())).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        long now = java.time.Instant.parse("2027-01-15T08:00:00Z").toEpochMilli();
        assertThat(DeliveryWorker.retryAfterMillis("7", now)).isEqualTo(7_000);
        assertThat(DeliveryWorker.retryAfterMillis("Fri, 15 Jan 2027 08:00:30 GMT", now)).isEqualTo(30_000);
        assertThat(DeliveryWorker.retryAfterMillis("Fri, 15 Jan 2027 07:00:00 GMT", now)).isZero();
        assertThat(DeliveryWorker.retryAfterMillis("soon", now)).isEqualTo(-1);
        assertThat(DeliveryWorker.retryAfterMillis("99999999", now)).isEqualTo(3_600_000); // capped at an hour
    }

    @Test
    void tooManyRequestsIsRetriedAndOtherClientErrorsAreDroppedAndCounted() throws Exception {
        receiver.answer(n -> n == 1 ? 429 : n == 2 ? 200 : 400);
        try (Notifier n = start()) {
            n.send(List.of(firing("a")));
            clock.advance(10_000);
            n.tick();
            await().atMost(Duration.ofSeconds(20)).until(() -> n.pendingCount() == 0);
            assertThat(receiver.requests()).extracting(TestReceiver.Request::answeredStatus).containsExactly(429, 200);
            // a new alert makes a new notification, which the receiver rejects with 400: not retried
            n.send(List.of(firing("a"), firing("b")));
            clock.advance(60_000);
            n.tick();
            await().atMost(Duration.ofSeconds(20)).until(() -> n.pendingCount() == 0);
        }
        assertThat(receiver.requests()).extracting(TestReceiver.Request::answeredStatus).containsExactly(429, 200, 400);
        assertThat(failedCount()).isEqualTo(2);
    }

    @Test
    void connectionErrorsAreRetriedUntilTheReceiverIsBack() throws Exception {
        try (Notifier n = start()) {
            receiver.close(); // nothing listens on the port now
            n.send(List.of(firing("a")));
            clock.advance(10_000);
            n.tick();
            await().atMost(Duration.ofSeconds(20)).until(() -> failedCount() >= 2);
            assertThat(n.pendingCount()).isEqualTo(1);
            assertThat(metrics.collectAllMetrics()).filteredOn(m -> m.getName().equals("sightline_alerting_notifications_pending"))
                    .singleElement().satisfies(m -> assertThat(m.getLongGaugeData().getPoints()).singleElement()
                            .satisfies(p -> assertThat(p.getValue()).isEqualTo(1)));
        }
    }

    @Test
    void aHangingReceiverDoesNotDelayAnother() throws Exception {
        try (TestReceiver hanging = new TestReceiver()) {
            hanging.holdRequests();
            Path cfg = Files.writeString(dir.resolve("two.yml"), """
                    route:
                      receiver: slow
                      group_wait: 10s
                      routes:
                        - {matchers: ['severity="page"'], receiver: slow, continue: true}
                        - {matchers: ['severity="page"'], receiver: fast}
                    receivers:
                      - name: slow
                        webhook_configs: [{url: %s, timeout: 30s}]
                      - name: fast
                        webhook_configs: [{url: %s}]
                    """.formatted(hanging.url("/slow"), receiver.url("/fast")));
            try (Notifier n = new Notifier(new Notifier.Settings(dir.resolve("state"), "http://s:9090", 1000, 20, 100),
                    clock, meterProvider.get("test"))) {
                n.configure(new NotifyConfigParser(k -> null, "http://s:9090", 5_000).parse(cfg));
                n.send(List.of(firing("a")));
                clock.advance(10_000);
                n.tick();
                await().atMost(Duration.ofSeconds(20)).until(() -> hanging.requests().size() == 1);
                // the fast receiver got its notification while the slow one's request is still in flight
                await().atMost(Duration.ofSeconds(20)).until(() -> receiver.delivered().size() == 1 && n.pendingCount() == 1);
                hanging.release();
                await().atMost(Duration.ofSeconds(20)).until(() -> n.pendingCount() == 0);
            }
        }
    }
}
