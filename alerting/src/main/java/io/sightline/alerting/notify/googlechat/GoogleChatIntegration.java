package io.sightline.alerting.notify.googlechat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.alerting.notify.ConfigReader;
import io.sightline.alerting.notify.Globals;
import io.sightline.alerting.notify.HttpSettings;
import io.sightline.alerting.notify.TextTemplate;
import io.sightline.alerting.notify.Integration;
import io.sightline.alerting.notify.Json;
import io.sightline.alerting.notify.Notification;
import io.sightline.alerting.notify.chat.ChatText;

import java.net.URI;
import java.util.Set;

/**
 * {@code googlechat_configs} (Sightline's own; Alertmanager has none): a text message to a space's incoming webhook.
 * Google Chat text supports {@code *bold*} and {@code <url|text>} links. Limit (Chat API docs): 4096 characters of
 * text. Keys in Alertmanager's style: {@code url} | {@code url_file}, {@code send_resolved} (default true),
 * {@code timeout}, {@code http_config}, and {@code text} (a template replacing the built-in text).
 */
public record GoogleChatIntegration(int index, URI url, TextTemplate text, boolean shouldSendResolved, long timeoutMillis,
                                    HttpSettings http) implements Integration {
    static final int MAX_TEXT = 4096;

    public static Integration parse(ConfigReader r, int index, Globals g) {
        r.allowOnly(Set.of("url", "url_file", "send_resolved", "timeout", "text", "http_config"));
        return new GoogleChatIntegration(index, r.url("url", "url_file", null), r.template("text", g),
                r.bool("send_resolved", true), r.durationMillis("timeout", g.defaultTimeoutMillis()), r.http(g));
    }

    @Override
    public String type() {
        return "googlechat";
    }

    @Override
    public byte[] body(Notification n) {
        StringBuilder sb = new StringBuilder("*").append(ChatText.title(n)).append("*\n");
        for (ChatText.AlertView v : ChatText.views(n)) {
            sb.append('\n').append(v.isFiring() ? "🔥 " : "✅ ").append(ChatText.plain(v, "*", "*"));
            if (!v.link().isEmpty()) {
                sb.append("<").append(v.link()).append("|View graph>\n");
            }
        }
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("text", ChatText.truncate(ChatText.render(text, n, sb.toString()), MAX_TEXT));
        return Json.bytes(m);
    }
}
