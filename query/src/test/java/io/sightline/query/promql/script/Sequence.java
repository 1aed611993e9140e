package io.sightline.query.promql.script;

import io.sightline.storage.model.StaleMarker;

import java.util.ArrayList;
import java.util.List;

/**
 * The value notation of test scripts: {@code 1 2 _ stale 0+10x3 1-2x4 _x2 Inf NaN}. Gaps are null.
 * A native-histogram literal {@code {{...}}} makes {@link #parse} report {@code histogram}.
 */
record Sequence(List<Double> values, boolean histogram) {
    static Sequence parse(String text) {
        List<Double> out = new ArrayList<>();
        boolean histogram = false;
        String[] tokens = text.trim().isEmpty() ? new String[0] : text.trim().split("\\s+");
        for (String t : tokens) {
            if (t.contains("{{") || t.contains("}}") || histogram && !t.isEmpty() && !isPlain(t)) {
                histogram = true;
                continue;
            }
            expand(t, out);
        }
        return new Sequence(out, histogram);
    }

    private static boolean isPlain(String t) {
        return t.matches("[-+0-9._a-zA-Z]+");
    }

    private static void expand(String t, List<Double> out) {
        if (t.equals("_")) {
            out.add(null);
            return;
        }
        if (t.equals("stale")) {
            out.add(StaleMarker.VALUE);
            return;
        }
        int x = t.lastIndexOf('x');
        if (x > 0) { // 'x' is always repetition here: 0x59 is 0 repeated 60 times, not hex
            String left = t.substring(0, x);
            int n = Integer.parseInt(t.substring(x + 1));
            if (left.equals("_")) {
                for (int i = 0; i < n; i++) {
                    out.add(null);
                }
                return;
            }
            int sign = -1;
            for (int i = 1; i < left.length(); i++) {
                char c = left.charAt(i);
                if ((c == '+' || c == '-') && left.charAt(i - 1) != 'e' && left.charAt(i - 1) != 'E') {
                    sign = i;
                    break;
                }
            }
            double start;
            double inc;
            if (sign < 0) {
                start = number(left);
                inc = 0;
            } else {
                start = number(left.substring(0, sign));
                inc = number(left.substring(sign + 1));
                if (left.charAt(sign) == '-') {
                    inc = -inc;
                }
            }
            double v = start;
            for (int i = 0; i <= n; i++) {
                out.add(v);
                v += inc;
            }
            return;
        }
        out.add(number(t));
    }

    static double number(String s) {
        return switch (s.toLowerCase()) {
            case "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan", "+nan", "-nan" -> Double.NaN;
            default -> {
                yield Double.parseDouble(s);
            }
        };
    }
}
