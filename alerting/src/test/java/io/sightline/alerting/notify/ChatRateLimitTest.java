package io.sightline.alerting.notify;

import io.sightline.alerting.state.Alert;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Chat services' own ways of saying "slow down" or "failed", against a real receiver: Telegram's and Discord's
 * {@code retry_after} in a 429's body, and Slack's Web API errors inside a 200.
 */
class ChatRateLimitTest extends AbstractNotifierTest {
    /** Backoff here is 20-100 ms, so a wait of a second can only come from the service's own hint. */
    private Notifier notifyOnce(String receiverYaml) throws Exception {
        Notifier n = notifier("""
                route: {receiver: r, group_wait: 10s}
                receivers:
                  - name: r
                """ + receiverYaml);
        n.send(List.of(new Alert(Labels.of("alertname", "HighLatency"), Map.of(), T0, T0 + 240_000, "", 1.5)));
        clock.advance(10_000);
        n.tick();
        return n;
    }

    private Duration gapBetweenFirstTwoRequests() {
        List<TestReceiver.Request> r = receiver.requests();
        return Duration.ofNanos(r.get(1).arrivedNanos() - r.get(0).arrivedNanos());
    }

    @Test
    void telegramsRetryAfterInTheBodyIsHonoured() throws Exception {
        receiver.answer(i -> i == 1 ? 429 : 200);
        receiver.retryAfter(null);
        receiver.respondWith(i -> i == 1
                ? "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 1\",\"parameters\":{\"retry_after\":1}}"
                : "{\"ok\":true}");
        try (Notifier n = notifyOnce("""
                    telegram_configs: [{api_url: %s, bot_token: '1:x', chat_id: 42}]
                """.formatted(receiver.url("")))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> n.pendingCount() == 0);
        }
        assertThat(receiver.requests()).extracting(TestReceiver.Request::path).containsOnly("/bot1:x/sendMessage");
        assertThat(gapBetweenFirstTwoRequests()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aMessageTelegramCannotParseIsSentOnceMoreAsPlainText() throws Exception {
        receiver.answer(i -> i == 1 ? 400 : 200);
        receiver.respondWith(i -> i == 1
                ? "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: can't parse entities: Unsupported start tag\"}"
                : "{\"ok\":true}");
        try (Notifier n = notifyOnce("""
                    telegram_configs: [{api_url: %s, bot_token: '1:x', chat_id: 42, message: '<b>{{ .Status }} <oops>'}]
                """.formatted(receiver.url("")))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> n.pendingCount() == 0);
        }
        List<TestReceiver.Request> r = receiver.requests();
        assertThat(r).hasSize(2);
        assertThat(Json.MAPPER.readTree(r.get(0).body()).path("parse_mode").asText()).isEqualTo("HTML");
        assertThat(Json.MAPPER.readTree(r.get(1).body()).has("parse_mode")).isFalse();
        assertThat(Json.MAPPER.readTree(r.get(1).body()).path("text").asText()).isEqualTo("<b>firing <oops>");
    }

    @Test
    void discordsFractionalRetryAfterInTheBodyIsHonoured() throws Exception {
        receiver.answer(i -> i == 1 ? 429 : 204);
        receiver.retryAfter(null);
        receiver.respondWith(i -> i == 1 ? "{\"message\":\"You are being rate limited.\",\"retry_after\":0.8,\"global\":false}" : "");
        try (Notifier n = notifyOnce("""
                    discord_configs: [{webhook_url: %s}]
                """.formatted(receiver.url("/api/webhooks/1/x")))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> n.pendingCount() == 0);
        }
        assertThat(receiver.requests()).hasSize(2);
        assertThat(gapBetweenFirstTwoRequests()).isGreaterThanOrEqualTo(Duration.ofMillis(800));
    }

    @Test
    void slackWebApiErrorsInsideA200AreRetriedWhenRateLimitedAndDroppedOtherwise() throws Exception {
        receiver.respondWith(i -> switch (i) {
            case 1 -> "{\"ok\":false,\"error\":\"ratelimited\"}";
            case 2 -> "{\"ok\":true,\"channel\":\"C1\",\"ts\":\"1.2\"}";
            default -> "{\"ok\":false,\"error\":\"channel_not_found\"}";
        });
        try (Notifier n = notifyOnce("""
                    slack_configs: [{app_token: xoxb-1, app_url: %s, channel: '#ops'}]
                """.formatted(receiver.url("/api/chat.postMessage")))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> n.pendingCount() == 0);
            assertThat(receiver.requests()).hasSize(2);
            assertThat(receiver.requests().getFirst().headers()).containsEntry("authorization", "Bearer xoxb-1");
            assertThat(failed()).isEqualTo(1);
            // a new alert in the group: the answer is channel_not_found, which is not retried
            n.send(List.of(new Alert(Labels.of("alertname", "HighLatency", "instance", "b"), Map.of(), T0, T0 + 900_000, "", 1)));
            clock.advance(300_000);
            n.tick();
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests().size() == 3 && n.pendingCount() == 0);
            assertThat(failed()).isEqualTo(2);
        }
    }

    private long failed() {
        return TestMetrics.sum(metrics, "sightline_alerting_notifications_failed_total");
    }
}
