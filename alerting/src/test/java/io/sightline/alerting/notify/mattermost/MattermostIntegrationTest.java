package io.sightline.alerting.notify.mattermost;

import io.sightline.alerting.notify.Golden;
import io.sightline.alerting.notify.Integration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MattermostIntegrationTest {
    private final Integration mm = MattermostIntegration.parse(Golden.reader("""
            webhook_url: https://mattermost.example/hooks/abc
            channel: ops
            """), 0, Golden.GLOBALS);

    @Test
    void writesMarkdownText() {
        Golden.check("mattermost", mm.body(Golden.mixed()));
    }

    @Test
    void staysWithinMattermostsPostLimit() {
        assertThat(Golden.json(mm.body(Golden.huge(20))).path("text").asText().length())
                .isLessThanOrEqualTo(MattermostIntegration.MAX_TEXT);
    }
}
