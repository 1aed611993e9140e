package io.sightline.alerting.notify.mattermost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.alerting.notify.ConfigReader;
import io.sightline.alerting.notify.Globals;
import io.sightline.alerting.notify.HttpSettings;
import io.sightline.alerting.notify.Integration;
import io.sightline.alerting.notify.Json;
import io.sightline.alerting.notify.Notification;
import io.sightline.alerting.notify.TextTemplate;
import io.sightline.alerting.notify.chat.ChatText;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code mattermost_configs} as Alertmanager (0.30 and later) defines them, posting to an incoming webhook.
 * Keys: {@code webhook_url} | {@code webhook_url_file} (or {@code global.mattermost_webhook_url[_file]}),
 * {@code channel}, {@code username}, {@code icon_url}, {@code icon_emoji}, {@code text}, the attachment keys
 * {@code fallback}, {@code color}, {@code pretext}, {@code author_name}, {@code author_link}, {@code author_icon},
 * {@code title}, {@code title_link}, {@code fields} ({@code title}, {@code value}, {@code short}),
 * {@code thumb_url}, {@code footer}, {@code footer_icon}, {@code image_url}, a list of {@code attachments} with the
 * same keys, {@code type}, {@code props.card}, {@code priority} ({@code priority}, {@code requested_ack},
 * {@code persistent_notifications}), {@code send_resolved} (default true), {@code timeout}, {@code http_config}.
 * Every string is a template.
 *
 * <p>Body as Alertmanager sends it: without {@code attachments}, one attachment made of the top-level attachment
 * keys and no top-level {@code text}; with {@code attachments}, {@code text} plus those attachments. Keys left
 * unset get Sightline's content (title, colour by status, the alert list in Markdown, link to the graph).
 * Limit (Mattermost docs): 16383 characters per text.
 */
public record MattermostIntegration(int index, URI url, TextTemplate channel, TextTemplate username,
                                    TextTemplate iconUrl, TextTemplate iconEmoji, TextTemplate text, Attachment top,
                                    List<Attachment> attachments, TextTemplate postType, TextTemplate card,
                                    Priority priority, boolean shouldSendResolved, long timeoutMillis,
                                    HttpSettings http) implements Integration {
    static final int MAX_TEXT = 16_383;
    private static final Set<String> ATTACHMENT_KEYS = Set.of("fallback", "color", "pretext", "text", "author_name",
            "author_link", "author_icon", "title", "title_link", "fields", "thumb_url", "footer", "footer_icon",
            "image_url");
    private static final List<String> STRING_KEYS = List.of("fallback", "color", "pretext", "text", "author_name",
            "author_link", "author_icon", "title", "title_link", "thumb_url", "footer", "footer_icon", "image_url");

    /** One attachment: templates by JSON key (absent keys are null), and fields. */
    public record Attachment(List<TextTemplate> values, List<Field> fields) {
    }

    public record Field(TextTemplate title, TextTemplate value, Boolean isShort) {
    }

    public record Priority(TextTemplate priority, boolean isAckRequested, boolean isPersistent) {
    }

    public static Integration parse(ConfigReader r, int index, Globals g) {
        Set<String> keys = new java.util.HashSet<>(ATTACHMENT_KEYS);
        keys.addAll(Set.of("webhook_url", "webhook_url_file", "channel", "username", "icon_url", "icon_emoji",
                "attachments", "type", "props", "priority", "send_resolved", "timeout", "http_config"));
        r.allowOnly(keys);
        boolean hasOwnUrl = r.node().hasNonNull("webhook_url") || r.node().hasNonNull("webhook_url_file");
        URI url = hasOwnUrl || g.mattermostWebhookUrl() == null ? r.url("webhook_url", "webhook_url_file", null)
                : URI.create(g.mattermostWebhookUrl());
        List<Attachment> attachments = new ArrayList<>();
        int i = 0;
        for (JsonNode a : r.node().path("attachments")) {
            ConfigReader ar = new ConfigReader(a, r.where() + ".attachments[" + i++ + "]", r.envFunction());
            ar.allowOnly(ATTACHMENT_KEYS);
            attachments.add(attachment(ar, g));
        }
        TextTemplate card = null;
        if (r.node().has("props")) {
            ConfigReader pr = r.child("props", r.where() + ".props");
            pr.allowOnly(Set.of("card"));
            card = pr.template("card", g);
        }
        Priority priority = null;
        if (r.node().has("priority")) {
            ConfigReader pr = r.child("priority", r.where() + ".priority");
            pr.allowOnly(Set.of("priority", "requested_ack", "persistent_notifications"));
            TextTemplate p = pr.template("priority", g);
            priority = p == null ? null : new Priority(p, pr.bool("requested_ack", false), pr.bool("persistent_notifications", false));
        }
        return new MattermostIntegration(index, url, r.template("channel", g), r.template("username", g),
                r.template("icon_url", g), r.template("icon_emoji", g), r.template("text", g), attachment(r, g),
                List.copyOf(attachments), r.template("type", g), card, priority, r.bool("send_resolved", true),
                r.durationMillis("timeout", g.defaultTimeoutMillis()), r.http(g));
    }

    private static Attachment attachment(ConfigReader r, Globals g) {
        List<TextTemplate> values = new ArrayList<>();
        for (String k : STRING_KEYS) {
            values.add(r.template(k, g));
        }
        List<Field> fields = new ArrayList<>();
        int i = 0;
        for (JsonNode f : r.node().path("fields")) {
            ConfigReader fr = new ConfigReader(f, r.where() + ".fields[" + i++ + "]", r.envFunction());
            fr.allowOnly(Set.of("title", "value", "short"));
            if (fr.string("title", "").isEmpty() || fr.string("value", "").isEmpty()) {
                throw new IllegalArgumentException(fr.where() + ": " + (fr.string("title", "").isEmpty()
                        ? "missing title" : "missing value") + " in Mattermost field configuration");
            }
            fields.add(new Field(fr.template("title", g), fr.template("value", g),
                    f.hasNonNull("short") ? fr.bool("short", false) : null));
        }
        return new Attachment(java.util.Collections.unmodifiableList(values), List.copyOf(fields));
    }

    @Override
    public String type() {
        return "mattermost";
    }

    @Override
    public byte[] body(Notification n) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        if (!attachments.isEmpty()) {
            Json.putIfPresent(m, "text", ChatText.truncate(ChatText.render(text, n, builtInText(n)), MAX_TEXT));
        }
        Json.putIfPresent(m, "channel", ChatText.render(channel, n));
        Json.putIfPresent(m, "username", ChatText.render(username, n));
        Json.putIfPresent(m, "icon_url", ChatText.render(iconUrl, n));
        Json.putIfPresent(m, "icon_emoji", ChatText.render(iconEmoji, n));
        ArrayNode atts = m.putArray("attachments");
        if (attachments.isEmpty()) {
            atts.add(render(top, n, true));
        } else {
            for (Attachment a : attachments) {
                atts.add(render(a, n, false));
            }
        }
        Json.putIfPresent(m, "type", ChatText.render(postType, n));
        String cardText = ChatText.render(card, n);
        if (!cardText.isEmpty()) {
            m.putObject("props").put("card", cardText);
        }
        if (priority != null) {
            priority(m, n);
        }
        return Json.bytes(m);
    }

    /** One attachment; the top-level one falls back to Sightline's content where the config says nothing. */
    private ObjectNode render(Attachment a, Notification n, boolean isTop) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        for (int i = 0; i < STRING_KEYS.size(); i++) {
            String key = STRING_KEYS.get(i);
            String value = ChatText.render(a.values().get(i), n, isTop ? builtIn(key, n) : "");
            Json.putIfPresent(o, key, key.equals("text") || key.equals("pretext") ? ChatText.truncate(value, MAX_TEXT) : value);
        }
        if (!a.fields().isEmpty()) {
            ArrayNode fs = o.putArray("fields");
            for (Field f : a.fields()) {
                ObjectNode x = fs.addObject();
                x.put("title", ChatText.render(f.title(), n));
                x.put("value", ChatText.render(f.value(), n));
                if (f.isShort() != null) {
                    x.put("short", f.isShort());
                }
            }
        }
        return o;
    }

    private String builtIn(String key, Notification n) {
        List<ChatText.AlertView> views = ChatText.views(n);
        return switch (key) {
            case "fallback", "title" -> ChatText.title(n);
            case "color" -> n.status().equals("firing") ? "#D63232" : "#2EB67D";
            case "text" -> builtInText(n);
            case "title_link" -> views.isEmpty() || views.getFirst().link().isEmpty() ? n.externalUrl() : views.getFirst().link();
            default -> "";
        };
    }

    private static String builtInText(Notification n) {
        StringBuilder sb = new StringBuilder();
        for (ChatText.AlertView v : ChatText.views(n)) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(v.isFiring() ? "🔥 " : "✅ ").append(ChatText.plain(v, "**", "**"));
            if (!v.link().isEmpty()) {
                sb.append("[View graph](").append(v.link()).append(")\n");
            }
        }
        return ChatText.truncate(sb.toString(), MAX_TEXT);
    }

    /** Mattermost's message priority, corrected as Alertmanager does: unknown levels become standard. */
    private void priority(ObjectNode m, Notification n) {
        String p = ChatText.render(priority.priority(), n).toLowerCase(Locale.ROOT);
        if (!Set.of("urgent", "important", "standard").contains(p)) {
            p = "standard";
        }
        ObjectNode o = m.putObject("priority");
        o.put("priority", p);
        if (priority.isAckRequested() && !p.equals("standard")) {
            o.put("requested_ack", true);
        }
        if (priority.isPersistent() && p.equals("urgent")) {
            o.put("persistent_notifications", true);
        }
    }

    @Override
    public String toString() {
        return "MattermostIntegration[index=" + index + ", url=<secret>]";
    }
}
