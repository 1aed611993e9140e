package io.sightline.server.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses configuration values: Prometheus durations, byte sizes, integers, booleans. */
final class ValueParsers {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)?");

    private ValueParsers() {
    }

    /**
     * A Prometheus duration such as {@code 90s}, {@code 1h30m}, {@code 15d}, or {@code 0}; returns milliseconds.
     *
     * @throws IllegalArgumentException with the accepted forms
     */
    static long durationMillis(String text) {
        String s = text.trim();
        if (s.equals("0")) {
            return 0;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("not a duration: \"\" (use e.g. 30s, 5m, 1h30m, 15d)");
        }
        Matcher m = DURATION_PART.matcher(s);
        long total = 0;
        int pos = 0;
        while (pos < s.length()) {
            if (!m.find(pos) || m.start() != pos) {
                throw new IllegalArgumentException("not a duration: \"" + text + "\" (use e.g. 30s, 5m, 1h30m, 15d)");
            }
            long n = Long.parseLong(m.group(1));
            long unit = switch (m.group(2)) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                case "d" -> 86_400_000L;
                case "w" -> 7 * 86_400_000L;
                case "y" -> 365 * 86_400_000L;
                default -> throw new IllegalStateException("BUG: unit " + m.group(2));
            };
            total = Math.addExact(total, Math.multiplyExact(n, unit));
            pos = m.end();
        }
        return total;
    }

    /** A byte size such as {@code 64MiB}, {@code 10MB} or {@code 1048576}. */
    static long bytes(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a byte size: \"" + text + "\" (use e.g. 1048576, 512KiB, 64MiB, 1GiB)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        long mul = switch (unit) {
            case "B" -> 1L;
            case "KB" -> 1_000L;
            case "KiB" -> 1L << 10;
            case "MB" -> 1_000_000L;
            case "MiB" -> 1L << 20;
            case "GB" -> 1_000_000_000L;
            case "GiB" -> 1L << 30;
            case "TB" -> 1_000_000_000_000L;
            case "TiB" -> 1L << 40;
            default -> throw new IllegalStateException("BUG: unit " + unit);
        };
        return Math.multiplyExact(n, mul);
    }

    static long integer(String text) {
        try {
            return Long.parseLong(text.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer: \"" + text + "\"");
        }
    }

    static int port(String text) {
        long p = integer(text);
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("not a port (0-65535): \"" + text + "\"");
        }
        return (int) p;
    }

    static boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("not a boolean: \"" + text + "\" (use true or false)");
        };
    }
}
