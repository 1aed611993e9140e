package io.sightline.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An alertmanager.yml using every key Alertmanager defines for Sightline's receiver types loads unchanged, and the
 * keys Sightline implements take effect.
 */
class AlertmanagerCompatibilityTest {
    private static final Path FILE = Path.of("src/test/resources/alerting/alertmanager-every-key.yml");

    private final NotifyConfig config = new NotifyConfigParser(k -> null, "http://sightline.example:9090", 10_000).parse(FILE);

    private Integration of(String receiver, String type) {
        return config.receivers().get(receiver).stream().filter(i -> i.type().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void loadsEveryReceiverRouteAndInterval() {
        assertThat(config.receivers().get("everything")).extracting(Integration::type)
                .containsExactly("webhook", "slack", "discord", "msteamsv2", "mattermost", "telegram");
        // receiver types without a Sightline format load with a warning and send nothing
        assertThat(config.receivers().get("pager")).extracting(Integration::type).containsExactly("webhook");
        assertThat(config.timeIntervals()).containsOnlyKeys("weekends", "maintenance");
        assertThat(config.route().children()).hasSize(2);
        assertThat(config.inhibitRules()).hasSize(2);
    }

    @Test
    void implementedKeysTakeEffect() {
        Notification n = Golden.mixed();
        JsonNode slack = Golden.json(of("everything", "slack").body(n));
        assertThat(slack.path("username").asText()).isEqualTo("Sightline");
        assertThat(slack.path("blocks").get(0).path("text").path("text").asText()).isEqualTo("🔥 [FIRING:1] HighLatency checkout");
        assertThat(of("everything", "slack").http().proxy()).hasToString("http://127.0.0.1:3128");
        JsonNode telegram = Golden.json(of("everything", "telegram").body(n));
        assertThat(telegram.path("parse_mode").asText()).isEqualTo("MarkdownV2");
        assertThat(telegram.path("message_thread_id").asInt()).isEqualTo(7);
        assertThat(telegram.path("text").asText()).startsWith("[FIRING:1] HighLatency checkout");
        assertThat(((io.sightline.alerting.notify.telegram.TelegramIntegration) of("everything", "telegram")).url())
                .hasToString("https://api.telegram.org/bot123:abc/sendMessage"); // the global bot token
        JsonNode mm = Golden.json(of("everything", "mattermost").body(n));
        assertThat(mm.path("attachments").get(0).path("author_name").asText()).isEqualTo("a");
        assertThat(mm.path("priority").path("requested_ack").asBoolean()).isTrue();
        assertThat(of("everything", "webhook").http().authorization()).startsWith("Basic ");
        assertThat(of("everything", "webhook").http().tls().isInsecureSkipVerify()).isTrue();
        assertThat(List.of(of("everything", "discord"), of("everything", "msteamsv2")))
                .allSatisfy(i -> assertThat(i.shouldSendResolved()).isTrue());
    }
}
