package io.sightline.alerting.notify.slack;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.alerting.notify.Golden;
import io.sightline.alerting.notify.Integration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SlackIntegrationTest {
    private final Integration slack = SlackIntegration.parse(Golden.reader("""
            api_url: https://hooks.slack.com/services/T/B/X
            channel: "#alerts"
            """), 0, Golden.GLOBALS);

    @Test
    void writesTextWithBlocks() {
        Golden.check("slack", slack.body(Golden.mixed()));
    }

    @Test
    void staysWithinSlacksBlockAndTextLimits() {
        JsonNode n = Golden.json(slack.body(Golden.huge(80)));
        assertThat(n.path("blocks").size()).isLessThanOrEqualTo(SlackIntegration.MAX_BLOCKS);
        assertThat(n.path("text").asText().length()).isLessThanOrEqualTo(SlackIntegration.MAX_TEXT_CHARS);
        assertThat(n.path("blocks").get(0).path("text").path("text").asText().length())
                .isLessThanOrEqualTo(SlackIntegration.MAX_HEADER_CHARS);
        for (JsonNode b : n.path("blocks")) {
            if (b.path("type").asText().equals("section")) {
                assertThat(b.path("text").path("text").asText().length()).isLessThanOrEqualTo(SlackIntegration.MAX_SECTION_CHARS);
            }
        }
        assertThat(n.path("blocks").get(n.path("blocks").size() - 1).toString()).contains("and 32 more alerts");
    }

    @Test
    void sendResolvedDefaultsToFalseAsInAlertmanager() {
        assertThat(slack.shouldSendResolved()).isFalse();
    }
}
