package io.sightline.alerting.notify.discord;

import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.List;
import java.util.Set;

/**
 * {@code discord_configs}: one embed per alert, coloured like Alertmanager's (red firing, green resolved).
 * Limits (Discord docs): content 2000, at most 10 embeds, title 256, description 4096, 25 fields with names 256 and
 * values 1024, and 6000 characters over all embeds of a message.
 * Keys as Alertmanager's: {@code webhook_url} | {@code webhook_url_file}, {@code username}, {@code avatar_url},
 * {@code send_resolved} (default true), {@code timeout}, {@code http_config}; templates in {@code content},
 * {@code title} and {@code message}: with a title or message the alerts are one embed of that title and
 * description (as Alertmanager sends), else one embed per alert.
 */
public record DiscordIntegration(int index, URI url, TextTemplate content, TextTemplate title, TextTemplate message,
                                 String username, String avatarUrl, boolean shouldSendResolved, long timeoutMillis,
                                 HttpSettings http) implements Integration {
    static final int MAX_CONTENT = 2000;
    static final int MAX_EMBEDS = 10;
    static final int MAX_TITLE = 256;
    static final int MAX_DESCRIPTION = 4096;
    static final int MAX_TOTAL = 6000;
    static final int COLOR_FIRING = 0x992D22;
    static final int COLOR_RESOLVED = 0x2ECC71;

    public static Integration parse(ConfigReader r, int index, Globals g) {
        r.allowOnly(Set.of("webhook_url", "webhook_url_file", "content", "username", "avatar_url", "send_resolved",
                "timeout", "title", "message", "http_config"));
        return new DiscordIntegration(index, r.url("webhook_url", "webhook_url_file", null), r.template("content", g),
                r.template("title", g), r.template("message", g), r.string("username", ""), r.string("avatar_url", ""),
                r.bool("send_resolved", true), r.durationMillis("timeout", g.defaultTimeoutMillis()), r.http(g));
    }

    @Override
    public String type() {
        return "discord";
    }

    /** Discord's 429 carries {@code retry_after} in seconds (fractional) in its JSON body. */
    @Override
    public long retryAfterMillisFromBody(String body) {
        return Json.secondsAsMillis(Json.readOrEmpty(body).get("retry_after"));
    }

    @Override
    public byte[] body(Notification n) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        String title = ChatText.title(n);
        m.put("content", ChatText.truncate(ChatText.render(content, n, title), MAX_CONTENT));
        Json.putIfPresent(m, "username", username);
        Json.putIfPresent(m, "avatar_url", avatarUrl);
        ArrayNode embeds = m.putArray("embeds");
        if (this.title != null || message != null) {
            String t = ChatText.truncate(ChatText.render(this.title, n, title), MAX_TITLE);
            String d = ChatText.truncate(ChatText.render(message, n, ""), Math.min(MAX_DESCRIPTION, MAX_TOTAL - t.length()));
            ObjectNode e = embeds.addObject();
            e.put("title", t);
            if (!d.isEmpty()) {
                e.put("description", d);
            }
            e.put("color", n.status().equals("firing") ? COLOR_FIRING : COLOR_RESOLVED);
            return Json.bytes(m);
        }
        List<ChatText.AlertView> views = ChatText.views(n);
        int total = 0;
        for (int i = 0; i < views.size() && embeds.size() < MAX_EMBEDS; i++) {
            ChatText.AlertView v = views.get(i);
            boolean isLastSlot = embeds.size() == MAX_EMBEDS - 1 && views.size() > MAX_EMBEDS;
            String t = isLastSlot ? "… and " + (views.size() - i) + " more alerts" : (v.isFiring() ? "🔥 " : "✅ ") + v.name();
            String d = isLastSlot ? "See " + n.externalUrl() + "/alerts" : ChatText.plain(v, "**", "**");
            t = ChatText.truncate(t, MAX_TITLE);
            d = ChatText.truncate(d, Math.min(MAX_DESCRIPTION, Math.max(1, MAX_TOTAL - total - t.length())));
            if (total + t.length() + d.length() > MAX_TOTAL) {
                break;
            }
            total += t.length() + d.length();
            ObjectNode e = embeds.addObject();
            e.put("title", t);
            e.put("description", d);
            e.put("color", v.isFiring() ? COLOR_FIRING : COLOR_RESOLVED);
            if (!isLastSlot && !v.link().isEmpty()) {
                e.put("url", v.link());
            }
            if (isLastSlot) {
                break;
            }
        }
        return Json.bytes(m);
    }
}
