package io.sightline.alerting.rule;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prometheus durations: {@code 1y2w3d4h5m6s7ms} (units in that order, each at most once) or {@code 0}. */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile(
            "(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final long[] UNIT_MILLIS = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000, 1};

    private Durations() {
    }

    /** @throws IllegalArgumentException naming the text when it is not a duration */
    public static long parseMillis(String text) {
        String s = text == null ? "" : text.trim();
        if (s.equals("0")) {
            return 0;
        }
        Matcher m = FORMAT.matcher(s);
        if (s.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("not a valid duration string: \"" + text + "\" (use e.g. 30s, 5m, 1h30m)");
        }
        long total = 0;
        for (int i = 0; i < UNIT_MILLIS.length; i++) {
            if (m.group(i + 1) != null) {
                total = Math.addExact(total, Math.multiplyExact(Long.parseLong(m.group(i + 1)), UNIT_MILLIS[i]));
            }
        }
        return total;
    }

    /** Prometheus's form, largest units first: {@code 1h30m}, {@code 0s}. */
    public static String format(long millis) {
        if (millis == 0) {
            return "0s";
        }
        String[] names = {"y", "w", "d", "h", "m", "s", "ms"};
        StringBuilder sb = new StringBuilder();
        long rest = millis;
        for (int i = 0; i < UNIT_MILLIS.length; i++) {
            if (rest >= UNIT_MILLIS[i]) {
                sb.append(rest / UNIT_MILLIS[i]).append(names[i]);
                rest %= UNIT_MILLIS[i];
            }
        }
        return sb.toString();
    }
}
