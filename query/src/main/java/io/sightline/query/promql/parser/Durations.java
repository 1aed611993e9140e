package io.sightline.query.promql.parser;

/** Prometheus durations such as {@code 1h30m}, {@code 500ms}, {@code 2d}. */
public final class Durations {
    private Durations() {
    }

    /**
     * Milliseconds of a duration the lexer accepted (digits and units, largest unit first).
     *
     * @throws IllegalArgumentException when the text is not a duration
     */
    public static long parse(String s) {
        long total = 0;
        int p = 0;
        if (s.equals("0")) {
            return 0;
        }
        while (p < s.length()) {
            int start = p;
            while (p < s.length() && Character.isDigit(s.charAt(p))) {
                p++;
            }
            if (start == p) {
                throw new IllegalArgumentException("not a valid duration string: \"" + s + "\"");
            }
            long n = Long.parseLong(s.substring(start, p));
            long unit;
            if (s.startsWith("ms", p)) {
                unit = 1;
                p += 2;
            } else if (p < s.length()) {
                unit = switch (s.charAt(p)) {
                    case 's' -> 1000L;
                    case 'm' -> 60_000L;
                    case 'h' -> 3_600_000L;
                    case 'd' -> 86_400_000L;
                    case 'w' -> 7 * 86_400_000L;
                    case 'y' -> 365 * 86_400_000L;
                    default -> throw new IllegalArgumentException("not a valid duration string: \"" + s + "\"");
                };
                p++;
            } else {
                throw new IllegalArgumentException("not a valid duration string: \"" + s + "\"");
            }
            total = Math.addExact(total, Math.multiplyExact(n, unit));
        }
        return total;
    }
}
