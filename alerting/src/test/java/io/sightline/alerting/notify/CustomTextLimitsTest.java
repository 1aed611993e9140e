package io.sightline.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.alerting.notify.discord.DiscordIntegration;
import io.sightline.alerting.notify.mattermost.MattermostIntegration;
import io.sightline.alerting.notify.msteams.MsTeamsV2Integration;
import io.sightline.alerting.notify.slack.SlackIntegration;
import io.sightline.alerting.notify.telegram.TelegramIntegration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Templated titles and texts can be as long as a user makes them; every service's documented limits still hold
 * (Slack: 50 blocks, header 150, section 3000, 10 fields; Discord: title 256, description 4096, 6000 over the
 * embeds, content 2000; Teams: 28 KB; Telegram: 4096; Mattermost: 16383).
 */
class CustomTextLimitsTest {
    /** Every alert's labels and annotations 40 times over: about 200 KB for 80 alerts. */
    private static final String LONG = "'{{ range $a := .Alerts }}{{ range (stringSlice \"1\" \"2\" \"3\" \"4\" \"5\" \"6\""
            + " \"7\" \"8\" \"9\" \"10\" \"11\" \"12\" \"13\" \"14\" \"15\" \"16\" \"17\" \"18\" \"19\" \"20\") }}"
            + "{{ $.CommonLabels.alertname }} {{ $a.Labels }} {{ $a.Annotations }} {{ end }}{{ end }}'";
    private static final Notification HUGE = Golden.huge(80);

    private static JsonNode body(Integration i) {
        JsonNode n = Golden.json(i.body(HUGE));
        assertThat(i.body(HUGE).length).isGreaterThan(1000); // the text was there to cut
        return n;
    }

    @Test
    void slack() {
        JsonNode n = body(SlackIntegration.parse(Golden.reader("api_url: https://hooks.slack.example/x\ntitle: " + LONG
                + "\ntext: " + LONG + "\npretext: " + LONG + "\nfooter: " + LONG + "\nfields: ["
                + ("{title: a, value: " + LONG + "}, ").repeat(11) + "{title: b, value: c}]"), 0, Golden.GLOBALS));
        assertThat(n.path("blocks").size()).isLessThanOrEqualTo(50);
        for (JsonNode b : n.path("blocks")) {
            assertThat(b.path("text").path("text").asText().length()).isLessThanOrEqualTo(3000);
            assertThat(b.path("fields").size()).isLessThanOrEqualTo(10);
            b.path("fields").forEach(f -> assertThat(f.path("text").asText().length()).isLessThanOrEqualTo(2000));
            b.path("elements").forEach(e -> assertThat(e.path("text").asText().length()).isLessThanOrEqualTo(3000));
        }
        assertThat(n.path("blocks").get(0).path("text").path("text").asText().length()).isLessThanOrEqualTo(150);
        assertThat(n.path("text").asText().length()).isLessThanOrEqualTo(3000);
    }

    @Test
    void discord() {
        JsonNode n = body(DiscordIntegration.parse(Golden.reader("webhook_url: https://discord.example/x\ntitle: " + LONG
                + "\nmessage: " + LONG + "\ncontent: " + LONG), 0, Golden.GLOBALS));
        assertThat(n.path("content").asText().length()).isLessThanOrEqualTo(2000);
        JsonNode e = n.path("embeds").get(0);
        assertThat(e.path("title").asText().length()).isLessThanOrEqualTo(256);
        assertThat(e.path("description").asText().length()).isLessThanOrEqualTo(4096);
        assertThat(e.path("title").asText().length() + e.path("description").asText().length()).isLessThanOrEqualTo(6000);
    }

    @Test
    void teams() {
        Integration t = MsTeamsV2Integration.parse(Golden.reader("webhook_url: https://teams.example/x\ntitle: " + LONG
                + "\ntext: " + LONG), 0, Golden.GLOBALS);
        assertThat(t.body(HUGE).length).isLessThanOrEqualTo(28 * 1024);
        assertThat(Golden.json(t.body(HUGE)).toString()).contains("Flood map[alertname:Flood");
    }

    @Test
    void telegramAndMattermost() {
        JsonNode tg = body(TelegramIntegration.parse(Golden.reader("bot_token: '1:x'\nchat_id: 5\nmessage: " + LONG),
                0, Golden.GLOBALS));
        assertThat(tg.path("text").asText().length()).isLessThanOrEqualTo(4096);
        JsonNode mm = body(MattermostIntegration.parse(Golden.reader("webhook_url: https://mm.example/x\ntext: " + LONG
                + "\npretext: " + LONG), 0, Golden.GLOBALS));
        assertThat(mm.path("attachments").get(0).path("text").asText().length()).isLessThanOrEqualTo(16_383);
        assertThat(mm.path("attachments").get(0).path("pretext").asText().length()).isLessThanOrEqualTo(16_383);
    }
}
