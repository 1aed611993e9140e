package io.sightline.alerting.notify.googlechat;

import io.sightline.alerting.notify.Golden;
import io.sightline.alerting.notify.Integration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class GoogleChatIntegrationTest {
    @TempDir
    Path dir;

    @Test
    void writesATextMessageForASpaceWebhookReadFromAFile() throws Exception {
        Path secret = Files.writeString(dir.resolve("url"), "https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t\n");
        Integration gc = GoogleChatIntegration.parse(Golden.reader("url_file: " + secret), 0, Golden.GLOBALS);
        assertThat(gc.url().toString()).isEqualTo("https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t");
        Golden.check("googlechat", gc.body(Golden.mixed()));
    }

    @Test
    void staysWithinGoogleChatsTextLimit() {
        Integration gc = GoogleChatIntegration.parse(Golden.reader("url: https://chat.googleapis.com/v1/spaces/A/messages"), 0, Golden.GLOBALS);
        assertThat(Golden.json(gc.body(Golden.huge(20))).path("text").asText().length())
                .isLessThanOrEqualTo(GoogleChatIntegration.MAX_TEXT);
    }
}
