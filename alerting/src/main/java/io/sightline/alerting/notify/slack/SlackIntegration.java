package io.sightline.alerting.notify.slack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.alerting.notify.ConfigReader;
import io.sightline.alerting.notify.Globals;
import io.sightline.alerting.notify.Integration;
import io.sightline.alerting.notify.Json;
import io.sightline.alerting.notify.Notification;
import io.sightline.alerting.notify.chat.ChatText;

import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * {@code slack_configs} (incoming webhook): {@code text} as the notification fallback plus Block Kit blocks, a
 * header and one section per alert. Limits (Slack docs): at most 50 blocks, header text 150 characters, section
 * text 3000 characters; the alerts that don't fit are summarised in a last context block.
 * Keys as Alertmanager's: {@code api_url} | {@code api_url_file} (or {@code global.slack_api_url}), {@code channel},
 * {@code username}, {@code icon_emoji}, {@code icon_url}, {@code send_resolved} (default false), {@code timeout}.
 */
public record SlackIntegration(int index, URI url, String channel, String username, String iconEmoji, String iconUrl,
                               boolean shouldSendResolved, long timeoutMillis) implements Integration {
    static final int MAX_BLOCKS = 50;
    static final int MAX_HEADER_CHARS = 150;
    static final int MAX_SECTION_CHARS = 3000;
    static final int MAX_TEXT_CHARS = 3000;

    public static Integration parse(ConfigReader r, int index, Globals g) {
        r.allowOnly(Set.of("api_url", "api_url_file", "channel", "username", "icon_emoji", "icon_url", "send_resolved",
                "timeout", "title", "text", "http_config"));
        r.rejectUnsupported("title", "text", "http_config");
        return new SlackIntegration(index, r.url("api_url", "api_url_file", g.slackApiUrl()), r.string("channel", ""),
                r.string("username", ""), r.string("icon_emoji", ""), r.string("icon_url", ""),
                r.bool("send_resolved", false), r.durationMillis("timeout", g.defaultTimeoutMillis()));
    }

    @Override
    public String type() {
        return "slack";
    }

    @Override
    public byte[] body(Notification n) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        Json.putIfPresent(m, "channel", channel);
        Json.putIfPresent(m, "username", username);
        Json.putIfPresent(m, "icon_emoji", iconEmoji);
        Json.putIfPresent(m, "icon_url", iconUrl);
        String title = ChatText.title(n);
        List<ChatText.AlertView> views = ChatText.views(n);
        m.put("text", ChatText.truncate(title + (views.isEmpty() ? "" : ": " + views.getFirst().summary()), MAX_TEXT_CHARS));
        ArrayNode blocks = m.putArray("blocks");
        ObjectNode header = blocks.addObject();
        header.put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", ChatText.truncate(
                (n.status().equals("firing") ? "🔥 " : "✅ ") + title, MAX_HEADER_CHARS));
        // header + alerts + a possible "and N more" context block
        int room = MAX_BLOCKS - 2;
        int shown = 0;
        for (ChatText.AlertView v : views) {
            if (shown == room) {
                break;
            }
            String text = (v.isFiring() ? "🔥 " : "✅ ") + ChatText.plain(v, "*", "*");
            if (!v.link().isEmpty()) {
                text += "<" + v.link() + "|View graph>";
            }
            ObjectNode s = blocks.addObject();
            s.put("type", "section");
            s.putObject("text").put("type", "mrkdwn").put("text", ChatText.truncate(text, MAX_SECTION_CHARS));
            shown++;
        }
        if (shown < views.size()) {
            ObjectNode c = blocks.addObject();
            c.put("type", "context");
            c.putArray("elements").addObject().put("type", "mrkdwn")
                    .put("text", "… and " + (views.size() - shown) + " more alerts; see " + n.externalUrl() + "/alerts");
        }
        return Json.bytes(m);
    }
}
