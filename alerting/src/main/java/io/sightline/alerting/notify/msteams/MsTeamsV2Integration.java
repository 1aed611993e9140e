package io.sightline.alerting.notify.msteams;

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
 * {@code msteamsv2_configs}: an Adaptive Card (schema 1.2, as Alertmanager sends) for a Teams workflow webhook, one
 * FactSet per alert and an OpenUrl action to the graph. Limit (Teams docs): 28 KB per message; alerts that don't
 * fit are summarised.
 * Keys as Alertmanager's: {@code webhook_url} | {@code webhook_url_file}, {@code send_resolved} (default true),
 * {@code timeout}, {@code http_config}; templates in {@code title} and {@code text} (a text block replacing the
 * per-alert fact sets).
 */
public record MsTeamsV2Integration(int index, URI url, TextTemplate title, TextTemplate text, boolean shouldSendResolved,
                                   long timeoutMillis, HttpSettings http) implements Integration {
    static final int MAX_BYTES = 28 * 1024 - 1024; // keep a margin for the envelope Teams adds

    public static Integration parse(ConfigReader r, int index, Globals g) {
        r.allowOnly(Set.of("webhook_url", "webhook_url_file", "title", "text", "send_resolved", "timeout", "http_config"));
        return new MsTeamsV2Integration(index, r.url("webhook_url", "webhook_url_file", null), r.template("title", g),
                r.template("text", g), r.bool("send_resolved", true), r.durationMillis("timeout", g.defaultTimeoutMillis()),
                r.http(g));
    }

    @Override
    public String type() {
        return "msteamsv2";
    }

    @Override
    public byte[] body(Notification n) {
        List<ChatText.AlertView> views = ChatText.views(n);
        String custom = ChatText.render(text, n, null);
        if (custom != null) {
            // cut the text, not the card, until it fits; escaping and multi-byte characters make bytes > chars
            for (int max = custom.length(); ; max = max * 3 / 4) {
                byte[] b = Json.bytes(card(n, views, 0, ChatText.truncate(custom, Math.max(1, max))));
                if (b.length <= MAX_BYTES || max <= 1) {
                    return b;
                }
            }
        }
        for (int shown = views.size(); ; shown = shown / 2) {
            byte[] b = Json.bytes(card(n, views, shown, null));
            if (b.length <= MAX_BYTES || shown == 0) {
                return b;
            }
        }
    }

    /** {@code customText} replaces the per-alert blocks when not null (already cut to size by the caller). */
    private ObjectNode card(Notification n, List<ChatText.AlertView> views, int shown, String customText) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("type", "message");
        ObjectNode att = m.putArray("attachments").addObject();
        att.put("contentType", "application/vnd.microsoft.card.adaptive");
        ObjectNode c = att.putObject("content");
        c.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        c.put("type", "AdaptiveCard");
        c.put("version", "1.2");
        ArrayNode body = c.putArray("body");
        ObjectNode head = body.addObject();
        head.put("type", "TextBlock");
        head.put("text", ChatText.truncate(ChatText.render(title, n, ChatText.title(n)), 200));
        head.put("weight", "Bolder");
        head.put("size", "Medium");
        head.put("wrap", true);
        head.put("style", "heading");
        head.put("color", n.status().equals("firing") ? "Attention" : "Good");
        if (customText != null) {
            body.addObject().put("type", "TextBlock").put("wrap", true).put("text", customText);
            shown = views.size();
        }
        for (int i = 0; customText == null && i < shown; i++) {
            ChatText.AlertView v = views.get(i);
            ObjectNode name = body.addObject();
            name.put("type", "TextBlock");
            name.put("text", (v.isFiring() ? "🔥 " : "✅ ") + v.name() + (v.summary().isEmpty() ? "" : ": " + v.summary()));
            name.put("weight", "Bolder");
            name.put("wrap", true);
            ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
            fact(facts, "Severity", v.severity());
            fact(facts, "Service", v.service());
            fact(facts, "Value", v.value());
            fact(facts, "Since", v.since());
            fact(facts, "Resolved", v.resolvedAt());
            fact(facts, "Description", v.description());
            fact(facts, "Labels", v.otherLabels());
        }
        if (shown < views.size()) {
            body.addObject().put("type", "TextBlock").put("wrap", true)
                    .put("text", "… and " + (views.size() - shown) + " more alerts");
        }
        if (!views.isEmpty() && !views.getFirst().link().isEmpty()) {
            ObjectNode a = c.putArray("actions").addObject();
            a.put("type", "Action.OpenUrl");
            a.put("title", "View graph");
            a.put("url", views.getFirst().link());
        }
        c.putObject("msteams").put("width", "full");
        return m;
    }

    private static void fact(ArrayNode facts, String title, String value) {
        if (!value.isEmpty()) {
            facts.addObject().put("title", title).put("value", ChatText.truncate(value, 1000));
        }
    }
}
