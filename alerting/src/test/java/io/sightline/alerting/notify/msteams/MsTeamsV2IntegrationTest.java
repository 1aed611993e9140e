package io.sightline.alerting.notify.msteams;

import io.sightline.alerting.notify.Golden;
import io.sightline.alerting.notify.Integration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MsTeamsV2IntegrationTest {
    private final Integration teams = MsTeamsV2Integration.parse(
            Golden.reader("webhook_url: https://prod.westeurope.logic.azure.com/workflows/x"), 0, Golden.GLOBALS);

    @Test
    void writesAnAdaptiveCardForAWorkflowWebhook() {
        Golden.check("msteamsv2", teams.body(Golden.mixed()));
    }

    @Test
    void staysUnderTeams28KbMessageLimit() {
        byte[] body = teams.body(Golden.huge(40));
        assertThat(body.length).isLessThanOrEqualTo(28 * 1024);
        assertThat(new String(body)).contains("more alerts");
    }
}
