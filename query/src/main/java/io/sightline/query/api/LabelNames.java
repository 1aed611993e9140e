package io.sightline.query.api;

/**
 * Prometheus 3's escaping of label names in URL paths ({@code model.ValueEncodingEscaping}): a name that starts
 * with {@code U__} has {@code __} for {@code _} and {@code _<hex>_} for any other character, so that
 * {@code U__my_2e_label} is {@code my.label}. A name that does not decode is taken as it is, as Prometheus does.
 */
final class LabelNames {
    private LabelNames() {
    }

    static String unescape(String name) {
        if (!name.startsWith("U__")) {
            return name;
        }
        String s = name.substring(3);
        StringBuilder sb = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '_') {
                sb.append(c);
                i++;
                continue;
            }
            if (i + 1 < s.length() && s.charAt(i + 1) == '_') {
                sb.append('_');
                i += 2;
                continue;
            }
            int close = s.indexOf('_', i + 1);
            if (close < 0 || close == i + 1) {
                return name;
            }
            int codePoint;
            try {
                codePoint = Integer.parseInt(s.substring(i + 1, close), 16);
            } catch (NumberFormatException e) {
                return name;
            }
            if (!Character.isValidCodePoint(codePoint)) {
                return name;
            }
            sb.appendCodePoint(codePoint);
            i = close + 1;
        }
        return sb.toString();
    }
}
