package io.sightline.storage.model;

import java.util.Locale;

/**
 * Loki's {@code detected_level}: from the severity text, else the severity number, else a level keyword
 * near the start of the line, else {@code unknown}. Ingest stores it as structured metadata (as Loki 3 does),
 * so queries read it instead of scanning every line again; records without it get it at query time.
 */
public final class LogLevels {
    /** The structured-metadata name. */
    public static final String LABEL = "detected_level";

    private static final String[] KEYWORDS = {"fatal", "critical", "error", "warn", "info", "debug", "trace"};

    private LogLevels() {
    }

    public static String of(LogRecord r) {
        return of(r.severityText(), r.severityNumber(), r.body());
    }

    public static String of(String severityText, int severityNumber, String body) {
        if (!severityText.isEmpty()) {
            String l = normalise(severityText);
            if (l != null) {
                return l;
            }
        }
        int n = severityNumber;
        if (n > 0) {
            return n <= 4 ? "trace" : n <= 8 ? "debug" : n <= 12 ? "info" : n <= 16 ? "warn" : n <= 20 ? "error" : "fatal";
        }
        return fromLine(body);
    }

    /** The canonical level of a severity text ({@code WARNING} is {@code warn}), or null when it is none. */
    public static String normalise(String text) {
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

    private static final String[] KEYS = {"level=", "\"level\":\"", "\"level\": \"", "lvl=", "severity="};
    private static final String[] UPPER = {"FATAL", "CRITICAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"};

    /**
     * Looks for {@code level=x}, {@code "level":"x"} (any case) or a bare upper-case keyword in the first 256
     * characters. Runs per line at query time, so it scans without copying the line.
     */
    private static String fromLine(String line) {
        int limit = Math.min(line.length(), 256);
        for (String key : KEYS) {
            int at = indexOfIgnoreCase(line, key, limit);
            if (at >= 0) {
                int from = at + key.length();
                if (from < limit && line.charAt(from) == '"') {
                    from++;
                }
                int to = from;
                while (to < limit && Character.isLetter(line.charAt(to))) {
                    to++;
                }
                String l = normalise(line.substring(from, to));
                if (l != null) {
                    return l;
                }
            }
        }
        for (int k = 0; k < UPPER.length; k++) {
            int at = line.indexOf(UPPER[k]);
            if (at >= 0 && at < limit) {
                return k == 1 ? "fatal" : KEYWORDS[k];
            }
        }
        return "unknown";
    }

    private static int indexOfIgnoreCase(String s, String key, int limit) {
        char first = key.charAt(0);
        for (int i = 0; i + key.length() <= limit; i++) {
            char c = s.charAt(i);
            if ((c == first || Character.toLowerCase(c) == first) && s.regionMatches(true, i, key, 0, key.length())) {
                return i;
            }
        }
        return -1;
    }
}
