package io.sightline.alerting.notify.telegram;

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
 * {@code telegram_configs}: Bot API {@code sendMessage} with HTML parse mode. Limit (Telegram docs): 4096 characters
 * of text after entity parsing; we cut the text before escaping so tags stay balanced.
 * Keys as Alertmanager's: {@code api_url} (default global, https://api.telegram.org), {@code bot_token} |
 * {@code bot_token_file}, {@code chat_id}, {@code message_thread_id}, {@code disable_notifications},
 * {@code parse_mode} (only HTML), {@code send_resolved} (default true), {@code timeout}.
 */
public record TelegramIntegration(int index, URI apiUrl, String botToken, long chatId, long messageThreadId,
                                  boolean isSilent, boolean shouldSendResolved, long timeoutMillis) implements Integration {
    static final int MAX_TEXT = 4096;

    public static Integration parse(ConfigReader r, int index, Globals g) {
        r.allowOnly(Set.of("api_url", "bot_token", "bot_token_file", "chat_id", "message_thread_id",
                "disable_notifications", "parse_mode", "message", "send_resolved", "timeout", "http_config"));
        r.rejectUnsupported("message", "http_config");
        String mode = r.string("parse_mode", "HTML");
        if (!mode.equals("HTML")) {
            throw new IllegalArgumentException(r.where() + ".parse_mode: only HTML is supported, got " + mode);
        }
        if (!r.node().hasNonNull("chat_id")) {
            throw new IllegalArgumentException(r.where() + ": missing chat_id on telegram_config");
        }
        String base = r.string("api_url", g.telegramApiUrl());
        return new TelegramIntegration(index, URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base),
                r.secret("bot_token", "bot_token_file", null, true), r.node().get("chat_id").asLong(),
                r.node().path("message_thread_id").asLong(0), r.bool("disable_notifications", false),
                r.bool("send_resolved", true), r.durationMillis("timeout", g.defaultTimeoutMillis()));
    }

    @Override
    public String type() {
        return "telegram";
    }

    @Override
    public URI url() {
        return URI.create(apiUrl + "/bot" + botToken + "/sendMessage");
    }

    @Override
    public byte[] body(Notification n) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("chat_id", chatId);
        if (messageThreadId != 0) {
            m.put("message_thread_id", messageThreadId);
        }
        StringBuilder sb = new StringBuilder("<b>").append(escape(ChatText.title(n))).append("</b>\n");
        int budget = MAX_TEXT - ChatText.title(n).length() - 2;
        for (ChatText.AlertView v : ChatText.views(n)) {
            String plain = (v.isFiring() ? "🔥 " : "✅ ") + ChatText.plain(v, "", "");
            if (plain.length() + 1 > budget) {
                sb.append("…");
                break;
            }
            budget -= plain.length() + 1;
            sb.append('\n').append(escape(plain));
        }
        m.put("text", sb.toString());
        m.put("parse_mode", "HTML");
        m.put("disable_notification", isSilent);
        return Json.bytes(m);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public String toString() {
        return "TelegramIntegration[index=" + index + ", chatId=" + chatId + ", botToken=<secret>]";
    }
}
