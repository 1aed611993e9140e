package io.sightline.alerting.template;

import java.util.List;
import java.util.Map;

/** Translates Go's reference-time layouts ({@code Mon Jan 2 15:04:05 MST 2006}) into java.time patterns. */
final class GoLayouts {
    /** Longest tokens first, so {@code January} wins over {@code Jan} and {@code 2006} over {@code 2}. */
    private static final List<Map.Entry<String, String>> TOKENS = List.of(
            Map.entry("January", "MMMM"), Map.entry("Monday", "EEEE"), Map.entry("Z07:00", "XXX"),
            Map.entry("-07:00", "xxx"), Map.entry("-0700", "xx"), Map.entry("Z0700", "XX"),
            Map.entry(".999999999", ".SSSSSSSSS"), Map.entry(".000000000", ".SSSSSSSSS"),
            Map.entry(".999999", ".SSSSSS"), Map.entry(".000000", ".SSSSSS"), Map.entry(".999", ".SSS"),
            Map.entry(".000", ".SSS"), Map.entry("2006", "yyyy"), Map.entry("Jan", "MMM"), Map.entry("Mon", "EEE"),
            Map.entry("MST", "z"), Map.entry("-07", "x"), Map.entry("01", "MM"), Map.entry("02", "dd"),
            Map.entry("_2", "ppd"), Map.entry("15", "HH"), Map.entry("03", "hh"), Map.entry("04", "mm"),
            Map.entry("05", "ss"), Map.entry("06", "yy"), Map.entry("PM", "a"), Map.entry("pm", "a"),
            Map.entry("1", "M"), Map.entry("2", "d"), Map.entry("3", "h"), Map.entry("4", "m"), Map.entry("5", "s"));

    private GoLayouts() {
    }

    static String toJava(String layout) {
        StringBuilder out = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        outer:
        while (i < layout.length()) {
            for (Map.Entry<String, String> t : TOKENS) {
                if (layout.startsWith(t.getKey(), i)) {
                    flush(out, literal);
                    out.append(t.getValue());
                    i += t.getKey().length();
                    continue outer;
                }
            }
            literal.append(layout.charAt(i++));
        }
        flush(out, literal);
        return out.toString();
    }

    private static void flush(StringBuilder out, StringBuilder literal) {
        if (!literal.isEmpty()) {
            out.append('\'').append(literal.toString().replace("'", "''")).append('\'');
            literal.setLength(0);
        }
    }
}
