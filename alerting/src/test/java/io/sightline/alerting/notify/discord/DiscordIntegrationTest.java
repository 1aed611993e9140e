package io.sightline.alerting.notify.discord;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.alerting.notify.Golden;
import io.sightline.alerting.notify.Integration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DiscordIntegrationTest {
    private final Integration discord = DiscordIntegration.parse(Golden.reader("webhook_url: https://discord.com/api/webhooks/1/x"),
            0, Golden.GLOBALS);

    @Test
    void writesOneColouredEmbedPerAlert() {
        Golden.check("discord", discord.body(Golden.mixed()));
    }

    @Test
    void staysWithinDiscordsEmbedLimits() {
        JsonNode n = Golden.json(discord.body(Golden.huge(30)));
        assertThat(n.path("content").asText().length()).isLessThanOrEqualTo(DiscordIntegration.MAX_CONTENT);
        assertThat(n.path("embeds").size()).isBetween(1, DiscordIntegration.MAX_EMBEDS);
        int total = 0;
        for (JsonNode e : n.path("embeds")) {
            assertThat(e.path("title").asText().length()).isLessThanOrEqualTo(DiscordIntegration.MAX_TITLE);
            assertThat(e.path("description").asText().length()).isLessThanOrEqualTo(DiscordIntegration.MAX_DESCRIPTION);
            total += e.path("title").asText().length() + e.path("description").asText().length();
        }
        assertThat(total).isLessThanOrEqualTo(DiscordIntegration.MAX_TOTAL);
    }
}
