package io.sightline.server.log;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import org.slf4j.event.Level;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Renders one log event: text as slf4j-simple did ({@code 2026-01-02T03:04:05.678+00:00 [thread] [INFO] Logger -
 * message}, then MDC entries and the stack trace), or one JSON object per line with {@code log.format: json}.
 * The format is global and switched once at start-up.
 */
public final class LogFormat {
    private static final DateTimeFormatter TEXT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneId.systemDefault());
    private static volatile boolean json;

    private LogFormat() {
    }

    /** Switches every logger to JSON lines ({@code true}) or text. */
    public static void useJson(boolean isJson) {
        json = isJson;
    }

    static String line(long epochMillis, Level level, String logger, String thread, String message,
                       Map<String, String> mdc, Throwable t) {
        return json ? json(epochMillis, level, logger, thread, message, mdc, t)
                : text(epochMillis, level, logger, thread, message, mdc, t);
    }

    static String json(long epochMillis, Level level, String logger, String thread, String message,
                       Map<String, String> mdc, Throwable t) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"time\":\"").append(Instant.ofEpochMilli(epochMillis)).append('"');
        field(sb, "level", level.name());
        field(sb, "logger", logger);
        field(sb, "thread", thread);
        field(sb, "message", message);
        for (Map.Entry<String, String> e : mdc.entrySet()) {
            field(sb, e.getKey(), e.getValue());
        }
        if (t != null) {
            field(sb, "error", t.toString());
            field(sb, "stack", stack(t));
        }
        return sb.append("}\n").toString();
    }

    static String text(long epochMillis, Level level, String logger, String thread, String message,
                       Map<String, String> mdc, Throwable t) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(TEXT_TIME.format(Instant.ofEpochMilli(epochMillis))).append(" [").append(thread).append("] [")
                .append(level.name()).append("] ").append(logger.substring(logger.lastIndexOf('.') + 1)).append(" - ")
                .append(message);
        for (Map.Entry<String, String> e : mdc.entrySet()) {
            sb.append(' ').append(e.getKey()).append('=').append(e.getValue());
        }
        sb.append('\n');
        if (t != null) {
            sb.append(stack(t));
        }
        return sb.toString();
    }

    private static void field(StringBuilder sb, String name, String value) {
        JsonStringEncoder enc = JsonStringEncoder.getInstance();
        sb.append(",\"").append(enc.quoteAsString(name)).append("\":\"").append(enc.quoteAsString(String.valueOf(value))).append('"');
    }

    private static String stack(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
