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

    /** Key names, each in the spellings looked for (lower, capitalised, upper case). */
    private static final String[][] KEYS = {
            {"level", "Level", "LEVEL"}, {"lvl", "Lvl", "LVL"}, {"severity", "Severity", "SEVERITY"}};
    private static final String[] UPPER = {"FATAL", "CRITICAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"};
    private static final int SCAN_CHARS = 256;

    /**
     * Looks in the first 256 characters for {@code level=x} or {@code "level":"x"} ({@code lvl} and
     * {@code severity} too, in lower, capitalised or upper case; an earlier key name wins), else for a bare
     * upper-case keyword (an earlier one in {@link #UPPER} wins). Runs per record at ingest, so it only uses
     * {@link String#indexOf(String, int, int)}, which the JIT vectorises, and copies nothing but the level word.
     */
    private static String fromLine(String line) {
        int limit = Math.min(line.length(), SCAN_CHARS);
        for (String[] spellings : KEYS) {
            for (String key : spellings) {
                int at = line.indexOf(key, 0, limit);
                while (at >= 0) {
                    String l = valueAfter(line, at, key.length(), limit);
                    if (l != null) {
                        return l;
                    }
                    at = line.indexOf(key, at + 1, limit);
                }
            }
        }
        for (int k = 0; k < UPPER.length; k++) {
            if (line.indexOf(UPPER[k], 0, Math.min(line.length(), limit + UPPER[k].length() - 1)) >= 0) {
                return k == 1 ? "fatal" : KEYWORDS[k];
            }
        }
        return "unknown";
    }

    /** The level of {@code key=x} or {@code "key":"x"} / {@code "key": "x"} at {@code at}, else null. */
    private static String valueAfter(String line, int at, int keyLength, int limit) {
        int from = at + keyLength;
        if (from < limit && line.charAt(from) == '=') {
            from++;
        } else if (at > 0 && line.charAt(at - 1) == '"' && from + 1 < limit && line.charAt(from) == '"'
                && line.charAt(from + 1) == ':') {
            from += 2;
            if (from < limit && line.charAt(from) == ' ') {
                from++;
            }
        } else {
            return null;
        }
        if (from < limit && line.charAt(from) == '"') {
            from++;
        }
        int to = from;
        while (to < limit && Character.isLetter(line.charAt(to))) {
            to++;
        }
        return to == from ? null : normalise(line.substring(from, to));
    }
}
