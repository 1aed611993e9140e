package io.sightline.query.logql;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations ({@code 1h30m}, {@code 250ms}) and byte sizes ({@code 10KB}, {@code 1.5MiB}) as LogQL writes them. */
final class Units {
    private static final Pattern DURATION = Pattern.compile("(-?\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d|w|y)");
    private static final Pattern BYTES = Pattern.compile("(\\d+(?:\\.\\d+)?)([KMGTP]?i?B)", Pattern.CASE_INSENSITIVE);

    private Units() {
    }

    static boolean isDuration(String s) {
        return !s.isEmpty() && DURATION.matcher(s).replaceAll("").isEmpty();
    }

    static boolean isBytes(String s) {
        return BYTES.matcher(s).matches();
    }

    /** Nanoseconds of a Go/Prometheus duration; throws {@link NumberFormatException} when it is not one. */
    static long durationNanos(String s) {
        if (!isDuration(s)) {
            throw new NumberFormatException("not a duration: " + s);
        }
        Matcher m = DURATION.matcher(s);
        double total = 0;
        while (m.find()) {
            double v = Double.parseDouble(m.group(1));
            total += v * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                case "d" -> 86400e9;
                case "w" -> 7 * 86400e9;
                default -> 365 * 86400e9;
            };
        }
        return (long) total;
    }

    /** Bytes of a size such as {@code 10KB} (1000-based) or {@code 10KiB} (1024-based). */
    static double bytes(String s) {
        Matcher m = BYTES.matcher(s);
        if (!m.matches()) {
            throw new NumberFormatException("not a byte size: " + s);
        }
        String unit = m.group(2).toUpperCase(Locale.ROOT);
        boolean binary = unit.contains("I");
        double base = binary ? 1024 : 1000;
        int power = unit.length() == 1 ? 0 : "KMGTP".indexOf(unit.charAt(0)) + 1;
        return Double.parseDouble(m.group(1)) * Math.pow(base, power);
    }
}
