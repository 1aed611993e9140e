package io.sightline.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code templates:} globs and templated receiver fields, with Alertmanager's template data. */
class NotifyTemplatesTest {
    @TempDir
    Path dir;

    private NotifyConfig load(String receiverYaml) throws Exception {
        Path f = Files.writeString(dir.resolve("alertmanager.yml"), """
                templates: ['tmpl/*.tmpl']
                route: {receiver: r}
                receivers:
                  - name: r
                """ + receiverYaml);
        return new NotifyConfigParser(k -> null, "http://sightline:9090", 5_000).parse(f);
    }

    private static JsonNode body(NotifyConfig c, Notification n) {
        return Golden.json(c.receivers().get("r").getFirst().body(n));
    }

    @Test
    void receiverFieldsCallTemplatesFromTheGlobbedFiles() throws Exception {
        Files.createDirectories(dir.resolve("tmpl"));
        Files.writeString(dir.resolve("tmpl/team.tmpl"), """
                {{ define "team.title" }}{{ .Status | toUpper }} {{ .CommonLabels.alertname }} on {{ .CommonLabels.service }}{{ end }}
                {{ define "team.text" }}{{ range .Alerts.Firing }}* {{ .Labels.instance }} since {{ .StartsAt.Format "15:04" }}: {{ .Annotations.summary }}
                {{ end }}{{ with .CommonLabels.Remove .GroupLabels.Names }}other: {{ .Values | join "," }}{{ end }}{{ end }}
                """);
        Files.writeString(dir.resolve("tmpl/ignored.txt"), "{{ broken");
        NotifyConfig c = load("""
                    slack_configs:
                      - api_url: https://hooks.slack.example/x
                        title: '{{ template "team.title" . }}'
                        text: '{{ template "team.text" . }}'
                        fields: [{title: Receiver, value: '{{ .Receiver }}'}]
                """);
        JsonNode n = body(c, Golden.mixed());
        assertThat(n.path("blocks").get(0).path("text").path("text").asText()).isEqualTo("🔥 FIRING HighLatency on checkout");
        assertThat(n.path("blocks").get(1).path("text").path("text").asText())
                .isEqualTo("* pod-1:8080 since 08:15: p99 latency of checkout is 1.234s\nother: /api/cart,page");
        assertThat(n.path("blocks").get(2).path("fields").get(0).path("text").asText()).isEqualTo("*Receiver*\nteam-checkout");
    }

    @Test
    void alertmanagersDefaultTemplateNamesAreDefined() throws Exception {
        Files.createDirectories(dir.resolve("tmpl"));
        NotifyConfig c = load("""
                    discord_configs:
                      - webhook_url: https://discord.example/api/webhooks/1/x
                        title: '{{ template "discord.default.title" . }}'
                        message: '{{ template "discord.default.message" . }}'
                """);
        JsonNode embed = body(c, Golden.mixed()).path("embeds").get(0);
        assertThat(embed.path("title").asText()).isEqualTo("[FIRING:1] HighLatency checkout");
        assertThat(embed.path("description").asText()).contains("Firing:\n* HighLatency (page): p99 latency of checkout is 1.234s")
                .contains("Resolved:\n* HighLatency (page): p99 latency of checkout is 612ms");
    }

    @Test
    void aTemplateFileThatDoesNotParseStopsTheLoadNamingTheFile() throws Exception {
        Files.createDirectories(dir.resolve("tmpl"));
        Files.writeString(dir.resolve("tmpl/bad.tmpl"), "{{ define \"x\" }}{{ .Foo ");
        assertThatThrownBy(() -> load("    webhook_configs: [{url: http://h/x}]\n"))
                .hasMessageContaining("alertmanager.yml: templates: template: bad.tmpl: unclosed action");
    }

    @Test
    void aFieldCallingAnUndefinedTemplateStopsTheLoadNamingTheField() throws Exception {
        Files.createDirectories(dir.resolve("tmpl"));
        assertThatThrownBy(() -> load("""
                    msteamsv2_configs:
                      - webhook_url: https://teams.example/x
                        text: '{{ template "missing" . }}'
                """)).hasMessageContaining("receivers[0].msteamsv2_configs[0].text: template: receivers[0].msteamsv2_configs[0].text: no such template \"missing\"");
    }

    @Test
    void aTemplateFailingAtSendTimeFallsBackToTheBuiltInText() throws Exception {
        Files.createDirectories(dir.resolve("tmpl"));
        NotifyConfig c = load("""
                    telegram_configs:
                      - bot_token: "1:x"
                        chat_id: 5
                        message: '{{ index .Alerts 7 }}'
                """);
        String text = body(c, Golden.mixed()).path("text").asText();
        assertThat(text).startsWith("<b>[FIRING:1] HighLatency checkout</b>");
    }

    @Test
    void equalTemplateFilesMakeEqualIntegrationsSoAReloadKeepsTheWorkers() throws Exception {
        Files.createDirectories(dir.resolve("tmpl"));
        Files.writeString(dir.resolve("tmpl/a.tmpl"), "{{ define \"t\" }}x{{ end }}");
        String yaml = "    googlechat_configs: [{url: 'https://chat.example/x', text: '{{ template \"t\" . }}'}]\n";
        List<Integration> first = load(yaml).receivers().get("r");
        assertThat(load(yaml).receivers().get("r")).isEqualTo(first);
        Files.writeString(dir.resolve("tmpl/a.tmpl"), "{{ define \"t\" }}y{{ end }}");
        assertThat(load(yaml).receivers().get("r")).isNotEqualTo(first);
    }
}
