package io.sightline.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** deploy/alerting/alertmanager.example.yml loads (with its templates) and its templates render. */
class DeployAlertmanagerExampleTest {
    @TempDir
    Path dir;

    private static Path deployAlerting() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("deploy/alerting"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new AssertionError("no deploy/alerting above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("deploy/alerting");
    }

    private static Integration of(NotifyConfig c, String receiver, String type) {
        return c.receivers().get(receiver).stream().filter(i -> i.type().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void theExampleLoadsWithItsTemplatesAndSecretFiles() throws Exception {
        // the example reads secrets from /run/secrets and /etc/ssl; point those at files of this test
        String yaml = Files.readString(deployAlerting().resolve("alertmanager.example.yml"))
                .replace("/run/secrets/", dir + "/").replace("/etc/ssl/certs/internal-ca.pem",
                        TestReceiver.TLS_DIR.resolve("receiver-ca.pem").toAbsolutePath().toString());
        for (String secret : List.of("slack_webhook", "oncall_webhook", "discord_webhook", "gchat_space_webhook",
                "mattermost_webhook")) {
            Files.writeString(dir.resolve(secret), "https://hooks.example/" + secret);
        }
        Files.writeString(dir.resolve("oncall_token"), "t0k3n");
        Files.writeString(dir.resolve("telegram_bot_token"), "123:abc");
        Path templates = Files.createDirectories(dir.resolve("templates"));
        Files.copy(deployAlerting().resolve("templates/sightline.tmpl"), templates.resolve("sightline.tmpl"));
        Path cfg = Files.writeString(dir.resolve("alertmanager.yml"), yaml);

        NotifyConfig c = new NotifyConfigParser(k -> k.equals("TEAMS_WORKFLOW_URL") ? "https://teams.example/wf" : null,
                "http://sightline.example:9090", 10_000).parse(cfg);

        assertThat(c.receivers().keySet()).containsExactly("oncall", "team-chat", "payments");
        assertThat(c.timeIntervals().keySet()).containsExactlyInAnyOrder("out-of-hours", "office-hours");
        Integration slack = of(c, "oncall", "slack");
        JsonNode body = Golden.json(slack.body(Golden.mixed()));
        assertThat(body.path("blocks").get(0).path("text").path("text").asText()).isEqualTo("🔥 [FIRING:1] HighLatency");
        Integration telegram = of(c, "payments", "telegram");
        assertThat(Golden.json(telegram.body(Golden.mixed())).path("text").asText())
                .startsWith("<b>[FIRING:1] HighLatency</b>").contains("🔥 p99 latency of checkout is 1.234s (since 08:15 UTC)");
        assertThat(telegram.http().proxy()).hasToString("http://egress-proxy.internal:3128");
        assertThat(of(c, "oncall", "webhook").http().authorization()).isEqualTo("Bearer t0k3n");
    }
}
