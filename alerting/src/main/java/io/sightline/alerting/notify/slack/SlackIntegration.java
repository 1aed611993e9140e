package io.sightline.alerting.notify.slack;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code slack_configs} (incoming webhook, or {@code chat.postMessage} with an app token): {@code text} as the
 * notification fallback plus Block Kit blocks, a header and one section per alert. Limits (Slack docs): at most 50
 * blocks, header text 150 characters, section text 3000, at most 10 section fields of 2000; what doesn't fit is
 * summarised in a last context block.
 * Keys as Alertmanager's: {@code api_url} | {@code api_url_file} (or {@code global.slack_api_url}), {@code app_token}
 * | {@code app_token_file} with {@code app_url}, {@code channel}, {@code username}, {@code icon_emoji},
 * {@code icon_url}, {@code send_resolved} (default false), {@code timeout}, {@code http_config}; templates in
 * {@code title} (header), {@code title_link}, {@code pretext}, {@code text} (replaces the per-alert sections),
 * {@code fields}, {@code footer} and {@code fallback}. Attachment styling keys ({@code color}, {@code actions}, ...)
 * are accepted with a warning: Block Kit has no place for them.
 */
public record SlackIntegration(int index, URI url, String appToken, TextTemplate channel, TextTemplate username,
                               TextTemplate iconEmoji, TextTemplate iconUrl, TextTemplate title, TextTemplate titleLink,
                               TextTemplate pretext, TextTemplate text, TextTemplate footer, TextTemplate fallback,
                               List<Field> fields, boolean shouldLinkNames, boolean shouldSendResolved,
                               long timeoutMillis, HttpSettings http) implements Integration {
    private static final Logger log = LoggerFactory.getLogger(SlackIntegration.class);
    static final int MAX_BLOCKS = 50;
    static final int MAX_HEADER_CHARS = 150;
    static final int MAX_SECTION_CHARS = 3000;
    static final int MAX_TEXT_CHARS = 3000;
    static final int MAX_FIELDS = 10;
    static final int MAX_FIELD_CHARS = 2000;
    private static final String DEFAULT_APP_URL = "https://slack.com/api/chat.postMessage";

    /** One {@code fields} entry: title and value templates. */
    public record Field(TextTemplate title, TextTemplate value) {
    }

    public static Integration parse(ConfigReader r, int index, Globals g) {
        r.allowOnly(Set.of("api_url", "api_url_file", "app_token", "app_token_file", "app_url", "channel", "username",
                "icon_emoji", "icon_url", "send_resolved", "timeout", "http_config", "title", "title_link", "pretext",
                "text", "message_text", "fields", "short_fields", "footer", "fallback", "callback_id", "color",
                "image_url", "thumb_url", "link_names", "mrkdwn_in", "actions", "update_message",
                "post_updates_to_thread"));
        r.warnUnused(log, "Sightline sends Block Kit blocks, which have no colour bar, buttons, images or attachment "
                        + "options; the message itself is sent", "color", "actions", "callback_id", "image_url", "thumb_url",
                "mrkdwn_in", "short_fields", "message_text");
        r.warnUnused(log, "each notification is posted as a new message, never updated or threaded",
                "update_message", "post_updates_to_thread");
        boolean hasUrl = r.node().hasNonNull("api_url") || r.node().hasNonNull("api_url_file");
        String token = hasUrl ? null : r.secret("app_token", "app_token_file", null, false);
        if (hasUrl && (r.node().hasNonNull("app_token") || r.node().hasNonNull("app_token_file"))) {
            throw new IllegalArgumentException(r.where() + ": at most one of api_url/api_url_file & app_token/app_token_file must be configured");
        }
        if (!hasUrl && token == null && g.slackApiUrl() == null) {
            token = g.slackAppToken();
        }
        URI url = token != null ? URI.create(r.string("app_url", g.slackAppUrl() == null ? DEFAULT_APP_URL : g.slackAppUrl()))
                : r.url("api_url", "api_url_file", g.slackApiUrl());
        HttpSettings http = r.http(g);
        if (token != null && http.authorization() != null) {
            throw new IllegalArgumentException(r.where() + ": http authorization can't be set when using Slack App tokens");
        }
        List<Field> fields = new ArrayList<>();
        int i = 0;
        for (com.fasterxml.jackson.databind.JsonNode f : r.node().path("fields")) {
            ConfigReader fr = new ConfigReader(f, r.where() + ".fields[" + i++ + "]", r.envFunction());
            fr.allowOnly(Set.of("title", "value", "short"));
            if (fr.string("title", "").isEmpty() || fr.string("value", "").isEmpty()) {
                throw new IllegalArgumentException(fr.where() + ": missing title or value in Slack field configuration");
            }
            fields.add(new Field(fr.template("title", g), fr.template("value", g)));
        }
        return new SlackIntegration(index, url, token, r.template("channel", g), r.template("username", g),
                r.template("icon_emoji", g), r.template("icon_url", g), r.template("title", g),
                r.template("title_link", g), r.template("pretext", g), r.template("text", g), r.template("footer", g),
                r.template("fallback", g), List.copyOf(fields), r.bool("link_names", false),
                r.bool("send_resolved", false), r.durationMillis("timeout", g.defaultTimeoutMillis()), http);
    }

    @Override
    public String type() {
        return "slack";
    }

    @Override
    public Map<String, String> headers() {
        return appToken == null ? Map.of() : Map.of("Authorization", "Bearer " + appToken);
    }

    /**
     * The Web API ({@code chat.postMessage} with an app token) answers 200 with {@code "ok": false} on errors;
     * {@code ratelimited} is retried, the rest (bad channel, bad token) are permanent, as in Alertmanager.
     */
    @Override
    public Outcome classify(int status, String body) {
        if (appToken != null && status / 100 == 2) {
            com.fasterxml.jackson.databind.JsonNode n = Json.readOrEmpty(body);
            if (n.has("ok") && !n.path("ok").asBoolean()) {
                return n.path("error").asText().equals("ratelimited") ? Outcome.RETRY : Outcome.PERMANENT_FAILURE;
            }
        }
        return classify(status);
    }

    @Override
    public byte[] body(Notification n) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        Json.putIfPresent(m, "channel", ChatText.render(channel, n));
        Json.putIfPresent(m, "username", ChatText.render(username, n));
        Json.putIfPresent(m, "icon_emoji", ChatText.render(iconEmoji, n));
        Json.putIfPresent(m, "icon_url", ChatText.render(iconUrl, n));
        if (shouldLinkNames) {
            m.put("link_names", true);
        }
        String title = ChatText.render(this.title, n, ChatText.title(n));
        List<ChatText.AlertView> views = ChatText.views(n);
        m.put("text", ChatText.truncate(ChatText.render(fallback, n,
                title + (views.isEmpty() ? "" : ": " + views.getFirst().summary())), MAX_TEXT_CHARS));
        ArrayNode blocks = m.putArray("blocks");
        ObjectNode header = blocks.addObject();
        header.put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", ChatText.truncate(
                (n.status().equals("firing") ? "🔥 " : "✅ ") + title, MAX_HEADER_CHARS));
        String link = ChatText.render(titleLink, n);
        if (!link.isEmpty()) {
            section(blocks, "<" + link + "|Open>");
        }
        String pre = ChatText.render(pretext, n);
        if (!pre.isBlank()) {
            section(blocks, pre);
        }
        String foot = ChatText.render(footer, n);
        // keep room for the fields section, the footer and a possible "and N more" block
        int room = MAX_BLOCKS - blocks.size() - (fields.isEmpty() ? 0 : 1) - (foot.isBlank() ? 0 : 1) - 1;
        if (text != null) {
            String body = ChatText.render(text, n, null);
            if (body == null) {
                alertSections(blocks, views, room, n);
            } else {
                // one section per 3000 characters, as many as fit
                for (int at = 0; at < body.length() && room > 0; at += MAX_SECTION_CHARS, room--) {
                    section(blocks, body.substring(at, Math.min(body.length(), at + MAX_SECTION_CHARS)));
                }
            }
        } else {
            alertSections(blocks, views, room, n);
        }
        if (!fields.isEmpty()) {
            ObjectNode s = blocks.addObject();
            s.put("type", "section");
            ArrayNode fs = s.putArray("fields");
            for (Field f : fields.subList(0, Math.min(fields.size(), MAX_FIELDS))) {
                fs.addObject().put("type", "mrkdwn").put("text", ChatText.truncate(
                        "*" + ChatText.render(f.title(), n) + "*\n" + ChatText.render(f.value(), n), MAX_FIELD_CHARS));
            }
        }
        if (!foot.isBlank()) {
            context(blocks, ChatText.truncate(foot, MAX_SECTION_CHARS));
        }
        return Json.bytes(m);
    }

    private static void alertSections(ArrayNode blocks, List<ChatText.AlertView> views, int room, Notification n) {
        int shown = 0;
        for (ChatText.AlertView v : views) {
            if (shown == room) {
                break;
            }
            String text = (v.isFiring() ? "🔥 " : "✅ ") + ChatText.plain(v, "*", "*");
            if (!v.link().isEmpty()) {
                text += "<" + v.link() + "|View graph>";
            }
            section(blocks, text);
            shown++;
        }
        if (shown < views.size()) {
            context(blocks, "… and " + (views.size() - shown) + " more alerts; see " + n.externalUrl() + "/alerts");
        }
    }

    private static void section(ArrayNode blocks, String text) {
        ObjectNode s = blocks.addObject();
        s.put("type", "section");
        s.putObject("text").put("type", "mrkdwn").put("text", ChatText.truncate(text, MAX_SECTION_CHARS));
    }

    private static void context(ArrayNode blocks, String text) {
        ObjectNode c = blocks.addObject();
        c.put("type", "context");
        c.putArray("elements").addObject().put("type", "mrkdwn").put("text", text);
    }

    @Override
    public String toString() {
        return "SlackIntegration[index=" + index + ", url=<secret>, appToken=" + (appToken == null ? "none" : "<secret>") + "]";
    }
}
