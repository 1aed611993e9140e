package io.sightline.alerting.notify.mattermost;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.alerting.notify.ConfigReader;
import io.sightline.alerting.notify.Globals;
import io.sightline.alerting.notify.Integration;
import io.sightline.alerting.notify.Json;
import io.sightline.alerting.notify.Notification;
import io.sightline.alerting.notify.chat.ChatText;

import java.net.URI;
import java.util.Set;

/**
 * {@code mattermost_configs} (incoming webhook): Markdown {@code text}. Limit (Mattermost docs): 16383 characters
 * per post. Keys: {@code webhook_url} | {@code webhook_url_file}, {@code channel}, {@code username},
 * {@code icon_url}, {@code icon_emoji}, {@code send_resolved} (default true), {@code timeout}.
 */
public record MattermostIntegration(int index, URI url, String channel, String username, String iconUrl,
                                    String iconEmoji, boolean shouldSendResolved, long timeoutMillis) implements Integration {
    static final int MAX_TEXT = 16_383;

    public static Integration parse(ConfigReader r, int index, Globals g) {
        r.allowOnly(Set.of("webhook_url", "webhook_url_file", "channel", "username", "icon_url", "icon_emoji", "text",
                "send_resolved", "timeout", "http_config"));
        r.rejectUnsupported("text", "http_config");
        return new MattermostIntegration(index, r.url("webhook_url", "webhook_url_file", null), r.string("channel", ""),
                r.string("username", ""), r.string("icon_url", ""), r.string("icon_emoji", ""),
                r.bool("send_resolved", true), r.durationMillis("timeout", g.defaultTimeoutMillis()));
    }

    @Override
    public String type() {
        return "mattermost";
    }

    @Override
    public byte[] body(Notification n) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        Json.putIfPresent(m, "channel", channel);
        Json.putIfPresent(m, "username", username);
        Json.putIfPresent(m, "icon_url", iconUrl);
        Json.putIfPresent(m, "icon_emoji", iconEmoji);
        StringBuilder sb = new StringBuilder("#### ").append(ChatText.title(n)).append('\n');
        for (ChatText.AlertView v : ChatText.views(n)) {
            sb.append('\n').append(v.isFiring() ? "🔥 " : "✅ ").append(ChatText.plain(v, "**", "**"));
            if (!v.link().isEmpty()) {
                sb.append("[View graph](").append(v.link()).append(")\n");
            }
        }
        m.put("text", ChatText.truncate(sb.toString(), MAX_TEXT));
        return Json.bytes(m);
    }
}
