package io.sightline.alerting.notify.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.alerting.notify.Golden;
import io.sightline.alerting.notify.Integration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookIntegrationTest {
    @Test
    void writesAlertmanagersVersion4Body() {
        Integration w = WebhookIntegration.parse(Golden.reader("url: http://hooks.example/alert"), 0, Golden.GLOBALS);
        byte[] body = w.body(Golden.mixed());
        Golden.check("webhook", body);
        assertThat(new String(body)).endsWith("}\n");
        JsonNode n = Golden.json(body);
        assertThat(n.path("alerts").get(0).path("startsAt").asText()).isEqualTo("2026-03-02T08:15:30.123Z");
        assertThat(n.path("alerts").get(0).path("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(n.path("commonLabels").has("instance")).isFalse();
    }

    @Test
    void maxAlertsTruncatesAndCountsTheRest() {
        Integration w = WebhookIntegration.parse(Golden.reader("url: http://h/x\nmax_alerts: 3"), 0, Golden.GLOBALS);
        JsonNode n = Golden.json(w.body(Golden.huge(10)));
        assertThat(n.path("alerts")).hasSize(3);
        assertThat(n.path("truncatedAlerts").asInt()).isEqualTo(7);
    }

    @Test
    void receiverNameIsRegexQuotedAsInAlertmanager() {
        assertThat(WebhookIntegration.quoteMeta("team.db")).isEqualTo("team\\.db");
    }

    @Test
    void rejectsUnknownKeysAndMissingUrlNamingTheLocation() {
        assertThatThrownBy(() -> WebhookIntegration.parse(Golden.reader("url: http://h/x\nsend_resolve: true"), 0, Golden.GLOBALS))
                .hasMessageContaining("test: unknown field \"send_resolve\"");
        assertThatThrownBy(() -> WebhookIntegration.parse(Golden.reader("send_resolved: true"), 0, Golden.GLOBALS))
                .hasMessage("test: one of url or url_file must be configured");
        assertThatThrownBy(() -> WebhookIntegration.parse(Golden.reader("url: http://h/x\npayload: {a: b}"), 0, Golden.GLOBALS))
                .hasMessageStartingWith("test.payload: not supported by Sightline");
        assertThatThrownBy(() -> WebhookIntegration.parse(Golden.reader(
                "url: http://h/x\nhttp_config: {oauth2: {client_id: x, token_url: http://t}}"), 0, Golden.GLOBALS))
                .hasMessageStartingWith("test.http_config.oauth2: OAuth 2.0 client credentials are not supported");
    }
}
