package io.sightline.alerting.notify.telegram;

import io.sightline.alerting.notify.Golden;
import io.sightline.alerting.notify.Integration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TelegramIntegrationTest {
    private final Integration tg = TelegramIntegration.parse(Golden.reader("""
            bot_token: "123:abc"
            chat_id: -1001234
            """), 0, Golden.GLOBALS);

    @Test
    void writesAnHtmlSendMessageCallToTheBotApi() {
        Golden.check("telegram", tg.body(Golden.mixed()));
        assertThat(tg.url().toString()).isEqualTo("https://api.telegram.org/bot123:abc/sendMessage");
        assertThat(tg.toString()).doesNotContain("abc");
    }

    @Test
    void staysWithinTelegramsTextLimit() {
        String text = Golden.json(tg.body(Golden.huge(20))).path("text").asText();
        String visible = text.replaceAll("<[^>]+>", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        assertThat(visible.length()).isLessThanOrEqualTo(TelegramIntegration.MAX_TEXT);
    }

    @Test
    void escapesHtmlInAlertText() {
        assertThat(((TelegramIntegration) tg).escape("a<b>&c")).isEqualTo("a&lt;b&gt;&amp;c");
    }
}
