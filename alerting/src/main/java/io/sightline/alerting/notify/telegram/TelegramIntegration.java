package io.sightline.alerting.notify.telegram;

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
import java.util.Set;

/**
 * {@code telegram_configs}: Bot API {@code sendMessage}. Limit (Telegram docs): 4096 characters of text after
 * entity parsing; the built-in text is cut before escaping so markup stays balanced.
 * Keys as Alertmanager's: {@code api_url} (default global, https://api.telegram.org), {@code bot_token} |
 * {@code bot_token_file} (or {@code global.telegram_bot_token}), {@code chat_id} | {@code chat_id_file},
 * {@code message_thread_id}, {@code disable_notifications}, {@code parse_mode} ({@code HTML} default,
 * {@code MarkdownV2}, {@code Markdown} or empty for plain text), {@code message} (template),
 * {@code send_resolved} (default true), {@code timeout}, {@code http_config}.
 */
public record TelegramIntegration(int index, URI apiUrl, String botToken, long chatId, long messageThreadId,
                                  boolean isSilent, String parseMode, TextTemplate message, boolean shouldSendResolved,
                                  long timeoutMillis, HttpSettings http) implements Integration {
    static final int MAX_TEXT = 4096;
    private static final Set<String> PARSE_MODES = Set.of("", "HTML", "Markdown", "MarkdownV2");

    public static Integration parse(ConfigReader r, int index, Globals g) {
        r.allowOnly(Set.of("api_url", "bot_token", "bot_token_file", "chat_id", "chat_id_file", "message_thread_id",
                "disable_notifications", "parse_mode", "message", "send_resolved", "timeout", "http_config"));
        String mode = r.string("parse_mode", "HTML");
        if (!PARSE_MODES.contains(mode)) {
            throw new IllegalArgumentException(r.where() + ".parse_mode: unknown parse_mode on telegram_config, must be "
                    + "Markdown, MarkdownV2, HTML or empty string, got " + mode);
        }
        boolean hasChatId = r.node().hasNonNull("chat_id") && r.node().get("chat_id").asLong() != 0;
        boolean hasChatFile = r.node().hasNonNull("chat_id_file");
        if (hasChatId == hasChatFile) {
            throw new IllegalArgumentException(r.where() + ": " + (hasChatId ? "at most one of chat_id & chat_id_file must be configured"
                    : "missing chat_id or chat_id_file on telegram_config"));
        }
        long chatId;
        if (hasChatFile) {
            String v = ConfigReader.readSecretFile(r.where() + ".chat_id_file", r.string("chat_id_file", ""));
            try {
                chatId = Long.parseLong(v.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(r.where() + ".chat_id_file: not an integer chat id", e);
            }
        } else {
            chatId = r.node().get("chat_id").asLong();
        }
        String token = r.node().hasNonNull("bot_token") || r.node().hasNonNull("bot_token_file")
                ? r.secret("bot_token", "bot_token_file", null, true) : g.telegramBotToken();
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException(r.where() + ": missing bot_token or bot_token_file on telegram_config");
        }
        String base = r.string("api_url", g.telegramApiUrl());
        return new TelegramIntegration(index, URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base),
                token, chatId, r.node().path("message_thread_id").asLong(0), r.bool("disable_notifications", false),
                mode, r.template("message", g), r.bool("send_resolved", true),
                r.durationMillis("timeout", g.defaultTimeoutMillis()), r.http(g));
    }

    @Override
    public String type() {
        return "telegram";
    }

    @Override
    public URI url() {
        return URI.create(apiUrl + "/bot" + botToken + "/sendMessage");
    }

    /** The Bot API's 429 says how long to wait in {@code parameters.retry_after} (seconds). */
    @Override
    public long retryAfterMillisFromBody(String body) {
        return Json.secondsAsMillis(Json.readOrEmpty(body).path("parameters").get("retry_after"));
    }

    /**
     * Telegram answers 400 "can't parse entities" when a (templated) message breaks its HTML or Markdown rules;
     * the same text without {@code parse_mode} is always accepted.
     */
    @Override
    public String fallbackBody(int status, String responseBody, String body) {
        if (status != 400 || responseBody == null || !responseBody.contains("can't parse entities")) {
            return null;
        }
        com.fasterxml.jackson.databind.JsonNode n = Json.readOrEmpty(body);
        if (!(n instanceof ObjectNode o) || !o.has("parse_mode")) {
            return null;
        }
        o.remove("parse_mode");
        return new String(Json.bytes(o), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public byte[] body(Notification n) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("chat_id", chatId);
        if (messageThreadId != 0) {
            m.put("message_thread_id", messageThreadId);
        }
        String custom = ChatText.render(message, n, null);
        m.put("text", custom != null ? ChatText.truncate(custom, MAX_TEXT) : builtIn(n));
        if (!parseMode.isEmpty()) {
            m.put("parse_mode", parseMode);
        }
        m.put("disable_notification", isSilent);
        return Json.bytes(m);
    }

    /** Sightline's text in the configured markup, escaped for it. */
    private String builtIn(Notification n) {
        String title = ChatText.title(n);
        StringBuilder sb = new StringBuilder(bold(escape(title))).append('\n');
        int budget = MAX_TEXT - title.length() - 2;
        for (ChatText.AlertView v : ChatText.views(n)) {
            String plain = (v.isFiring() ? "🔥 " : "✅ ") + ChatText.plain(v, "", "");
            if (plain.length() + 1 > budget) {
                sb.append("…");
                break;
            }
            budget -= plain.length() + 1;
            sb.append('\n').append(escape(plain));
        }
        return sb.toString();
    }

    private String bold(String s) {
        return switch (parseMode) {
            case "HTML" -> "<b>" + s + "</b>";
            case "Markdown", "MarkdownV2" -> "*" + s + "*";
            default -> s;
        };
    }

    String escape(String s) {
        return switch (parseMode) {
            case "HTML" -> s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
            case "MarkdownV2" -> s.replaceAll("([_*\\[\\]()~`>#+\\-=|{}.!\\\\])", "\\\\$1");
            case "Markdown" -> s.replaceAll("([_*`\\[])", "\\\\$1");
            default -> s;
        };
    }

    @Override
    public String toString() {
        return "TelegramIntegration[index=" + index + ", chatId=" + chatId + ", botToken=<secret>]";
    }
}
