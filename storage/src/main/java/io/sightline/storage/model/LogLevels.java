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
     * characters; an earlier key in {@link #KEYS} wins over a later one, as does an earlier keyword in
     * {@link #UPPER}. Runs per record at ingest, so it makes one pass without copying the line, testing the
     * keys only where their first character is.
     */
    private static String fromLine(String line) {
        int limit = Math.min(line.length(), 256);
        int[] keyAt = null;
        int upper = -1;
        for (int i = 0; i < limit; i++) {
            char c = line.charAt(i);
            char lower = (char) (c | 0x20);
            if (lower == 'l' || lower == 's' || c == '"') {
                for (int k = 0; k < KEYS.length; k++) {
                    String key = KEYS[k];
                    if (key.charAt(0) == lower || key.charAt(0) == c) {
                        if ((keyAt == null || keyAt[k] < 0) && i + key.length() <= limit
                                && line.regionMatches(true, i, key, 0, key.length())) {
                            if (keyAt == null) {
                                keyAt = new int[] {-1, -1, -1, -1, -1};
                            }
                            keyAt[k] = i;
                        }
                    }
                }
            }
            if (c >= 'C' && c <= 'W' && (upper < 0 || upper > 0)) {
                for (int k = 0; k < (upper < 0 ? UPPER.length : upper); k++) {
                    if (UPPER[k].charAt(0) == c && line.startsWith(UPPER[k], i)) {
                        upper = k;
                        break;
                    }
                }
            }
        }
        if (keyAt != null) {
            for (int k = 0; k < KEYS.length; k++) {
                if (keyAt[k] < 0) {
                    continue;
                }
                int from = keyAt[k] + KEYS[k].length();
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
        if (upper >= 0) {
            return upper == 1 ? "fatal" : KEYWORDS[upper];
        }
        return "unknown";
    }
}
