package io.sightline.query.promql.function;

import io.sightline.query.promql.parser.Strings;
import io.sightline.storage.model.Labels;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** label_replace and label_join on one label set (Go regexp expansion rules for {@code $1}, {@code ${name}}). */
public final class LabelFunctions {
    private LabelFunctions() {
    }

    /** A label name Prometheus 3 accepts (any valid UTF-8, non-empty). */
    public static boolean validLabelName(String name) {
        return !name.isEmpty() && Strings.isValidUtf8(name);
    }

    /** Applies label_replace to one label set; returns the input when the regex does not match. */
    public static Labels replace(Labels in, String dst, String replacement, String src, Pattern regex) {
        String v = in.get(src);
        Matcher m = regex.matcher(v == null ? "" : v);
        if (!m.matches()) {
            return in;
        }
        String value = expand(replacement, m);
        return in.toBuilder().set(dst, value).build();
    }

    public static Labels join(Labels in, String dst, String sep, String[] src) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < src.length; i++) {
            if (i > 0) {
                sb.append(sep);
            }
            String v = in.get(src[i]);
            if (v != null) {
                sb.append(v);
            }
        }
        return in.toBuilder().set(dst, sb.toString()).build();
    }

    /** Go's {@code Regexp.ExpandString}: {@code $1}, {@code ${1}}, {@code $name}, {@code $$}. */
    static String expand(String template, Matcher m) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$' || i + 1 >= template.length()) {
                out.append(c);
                i++;
                continue;
            }
            char n = template.charAt(i + 1);
            if (n == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            String name;
            int next;
            if (n == '{') {
                int close = template.indexOf('}', i + 2);
                if (close < 0) {
                    out.append(c);
                    i++;
                    continue;
                }
                name = template.substring(i + 2, close);
                next = close + 1;
                if (name.isEmpty() || !name.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_')) {
                    out.append(c);
                    i++;
                    continue;
                }
            } else {
                int j = i + 1;
                while (j < template.length() && (Character.isLetterOrDigit(template.charAt(j)) || template.charAt(j) == '_')) {
                    j++;
                }
                if (j == i + 1) {
                    out.append(c);
                    i++;
                    continue;
                }
                name = template.substring(i + 1, j);
                next = j;
            }
            out.append(group(m, name));
            i = next;
        }
        return out.toString();
    }

    private static String group(Matcher m, String name) {
        String g = null;
        if (name.chars().allMatch(Character::isDigit)) {
            try {
                int idx = Integer.parseInt(name);
                if (idx <= m.groupCount()) {
                    g = m.group(idx);
                }
            } catch (NumberFormatException e) {
                g = null;
            }
        } else {
            try {
                g = m.group(name);
            } catch (IllegalArgumentException e) {
                g = null;
            }
        }
        return g == null ? "" : g;
    }
}
