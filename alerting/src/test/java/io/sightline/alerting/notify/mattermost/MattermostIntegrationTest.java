package io.sightline.alerting.notify.mattermost;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.alerting.notify.Golden;
import io.sightline.alerting.notify.Integration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MattermostIntegrationTest {
    private final Integration mm = MattermostIntegration.parse(Golden.reader("""
            webhook_url: https://mattermost.example/hooks/abc
            channel: ops
            """), 0, Golden.GLOBALS);

    @Test
    void writesOneAttachmentWithTitleColourAndMarkdownAlertList() {
        Golden.check("mattermost", mm.body(Golden.mixed()));
        JsonNode n = Golden.json(mm.body(Golden.mixed()));
        // Alertmanager's shape without configured attachments: no top-level text, one attachment
        assertThat(n.has("text")).isFalse();
        assertThat(n.path("attachments")).hasSize(1);
        assertThat(n.path("attachments").get(0).path("title").asText()).isEqualTo("[FIRING:1] HighLatency checkout");
        assertThat(n.path("attachments").get(0).path("text").asText()).contains("**Service:** checkout");
    }

    @Test
    void staysWithinMattermostsPostLimit() {
        assertThat(Golden.json(mm.body(Golden.huge(20))).path("attachments").get(0).path("text").asText().length())
                .isLessThanOrEqualTo(MattermostIntegration.MAX_TEXT);
    }

    @Test
    void loadsEveryAlertmanagerKeyAndTemplatesThem() {
        Integration full = MattermostIntegration.parse(Golden.reader("""
                webhook_url: https://mattermost.example/hooks/abc
                channel: '{{ .CommonLabels.service }}-alerts'
                username: bot
                icon_emoji: ':fire:'
                text: 'Alerts for {{ .CommonLabels.service }}'
                type: custom_alert
                props: {card: 'Card of {{ .Status }}'}
                priority: {priority: Urgent, requested_ack: true, persistent_notifications: true}
                attachments:
                  - title: '{{ template "mattermost.default.title" . }}'
                    color: '{{ template "mattermost.default.color" . }}'
                    text: '{{ range .Alerts.Firing }}{{ .Labels.instance }} {{ end }}'
                    fields: [{title: Severity, value: '{{ .CommonLabels.severity }}', short: true}]
                    footer: sightline
                send_resolved: false
                timeout: 5s
                """), 0, Golden.GLOBALS);
        JsonNode n = Golden.json(full.body(Golden.mixed()));
        assertThat(n.path("channel").asText()).isEqualTo("checkout-alerts");
        assertThat(n.path("text").asText()).isEqualTo("Alerts for checkout");
        assertThat(n.path("type").asText()).isEqualTo("custom_alert");
        assertThat(n.path("props").path("card").asText()).isEqualTo("Card of firing");
        assertThat(n.path("priority").path("priority").asText()).isEqualTo("urgent");
        assertThat(n.path("priority").path("persistent_notifications").asBoolean()).isTrue();
        JsonNode a = n.path("attachments").get(0);
        assertThat(a.path("title").asText()).isEqualTo("[FIRING:1] HighLatency checkout");
        assertThat(a.path("color").asText()).isEqualTo("#D63232");
        assertThat(a.path("text").asText()).isEqualTo("pod-1:8080 ");
        assertThat(a.path("fields").get(0).path("value").asText()).isEqualTo("page");
        assertThat(a.path("fields").get(0).path("short").asBoolean()).isTrue();
        assertThat(full.shouldSendResolved()).isFalse();
    }

    @Test
    void unknownPriorityBecomesStandardWithoutAcknowledgement() {
        Integration p = MattermostIntegration.parse(Golden.reader("""
                webhook_url: https://mattermost.example/hooks/abc
                priority: {priority: whatever, requested_ack: true}
                """), 0, Golden.GLOBALS);
        JsonNode n = Golden.json(p.body(Golden.mixed()));
        assertThat(n.path("priority").path("priority").asText()).isEqualTo("standard");
        assertThat(n.path("priority").has("requested_ack")).isFalse();
    }

    @Test
    void badTemplateOrFieldStopsTheLoadNamingTheKey() {
        assertThatThrownBy(() -> MattermostIntegration.parse(Golden.reader("""
                webhook_url: https://mattermost.example/hooks/abc
                title: '{{ template "nope" . }}'
                """), 0, Golden.GLOBALS)).hasMessageContaining("test.title").hasMessageContaining("no such template \"nope\"");
        assertThatThrownBy(() -> MattermostIntegration.parse(Golden.reader("""
                webhook_url: https://mattermost.example/hooks/abc
                fields: [{title: x}]
                """), 0, Golden.GLOBALS)).hasMessage("test.fields[0]: missing value in Mattermost field configuration");
    }
}
