package io.sightline.query.logql;

import io.sightline.storage.model.LogRecord;

import java.util.Locale;

/**
 * Loki's {@code detected_level}: from the severity text, else the severity number, else a level keyword
 * near the start of the line, else {@code unknown}.
 */
final class DetectedLevel {
    private static final String[] KEYWORDS = {"fatal", "critical", "error", "warn", "info", "debug", "trace"};

    private DetectedLevel() {
    }

    static String of(LogRecord r) {
        if (!r.severityText().isEmpty()) {
            String l = normalise(r.severityText());
            if (l != null) {
                return l;
            }
        }
        int n = r.severityNumber();
        if (n > 0) {
            return n <= 4 ? "trace" : n <= 8 ? "debug" : n <= 12 ? "info" : n <= 16 ? "warn" : n <= 20 ? "error" : "fatal";
        }
        return fromLine(r.body());
    }

    static String normalise(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "trace", "trc" -> "trace";
            case "debug", "dbg" -> "debug";
            case "info", "inf", "information", "notice" -> "info";
            case "warn", "warning", "wrn" -> "warn";
            case "error", "err", "eror" -> "error";
            case "fatal", "critical", "crit", "panic", "emergency", "alert" -> "fatal";
            default -> null;
        };
    }

    /** Looks for {@code level=x}, {@code "level":"x"} or a bare upper-case keyword in the first 256 characters. */
    private static String fromLine(String line) {
        String head = line.length() > 256 ? line.substring(0, 256) : line;
        String lower = head.toLowerCase(Locale.ROOT);
        for (String key : new String[] {"level=", "\"level\":\"", "\"level\": \"", "lvl=", "severity="}) {
            int at = lower.indexOf(key);
            if (at >= 0) {
                int from = at + key.length();
                if (from < lower.length() && lower.charAt(from) == '"') {
                    from++;
                }
                int to = from;
                while (to < lower.length() && Character.isLetter(lower.charAt(to))) {
                    to++;
                }
                String l = normalise(lower.substring(from, to));
                if (l != null) {
                    return l;
                }
            }
        }
        for (String k : KEYWORDS) {
            if (head.contains(k.toUpperCase(Locale.ROOT))) {
                return k.equals("critical") ? "fatal" : k;
            }
        }
        return "unknown";
    }
}
