package io.sightline.query.promql.parser;

/**
 * Prometheus durations such as {@code 1h30m}, {@code 500ms}, {@code 2d}, read as Prometheus's
 * {@code model.ParseDuration} reads them, for queries and API parameters alike: units y w d h m s ms, each at most
 * once and largest first ({@code 1m0s} is fine, {@code 5s1m} is not), or a bare {@code 0}.
 */
public final class Durations {
    private static final String[] UNITS = {"y", "w", "d", "h", "m", "s", "ms"};
    private static final long[] UNIT_MILLIS = {365L * 86_400_000, 7L * 86_400_000, 86_400_000L, 3_600_000L, 60_000L,
            1000L, 1L};

    private Durations() {
    }

    /**
     * Milliseconds of a duration.
     *
     * @throws IllegalArgumentException {@code not a valid duration string: "x"}, or {@code duration out of range}
     */
    public static long parse(String s) {
        if (s.equals("0")) {
            return 0;
        }
        long total = 0;
        int p = 0;
        int nextUnit = 0;
        while (p < s.length()) {
            int start = p;
            while (p < s.length() && Character.isDigit(s.charAt(p))) {
                p++;
            }
            int unit = unitAt(s, p, nextUnit);
            if (start == p || unit < 0) {
                throw new IllegalArgumentException("not a valid duration string: " + Strings.goQuote(s));
            }
            try {
                total = Math.addExact(total, Math.multiplyExact(Long.parseLong(s.substring(start, p)), UNIT_MILLIS[unit]));
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("duration out of range");
            }
            p += UNITS[unit].length();
            nextUnit = unit + 1;
        }
        if (p == 0) {
            throw new IllegalArgumentException("not a valid duration string: " + Strings.goQuote(s));
        }
        return total;
    }

    /** The unit written at {@code p}, if it is {@code from} or a smaller one; else -1. */
    private static int unitAt(String s, int p, int from) {
        for (int u = UNITS.length - 1; u >= from; u--) {
            // "ms" before "m": scanning from the smallest unit tries the longer one first
            if (s.startsWith(UNITS[u], p) && (u != 4 || !s.startsWith("ms", p))) {
                return u;
            }
        }
        return -1;
    }
}
