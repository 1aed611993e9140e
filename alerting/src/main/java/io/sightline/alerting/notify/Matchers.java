package io.sightline.alerting.notify;

import io.sightline.storage.model.Matcher;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Parses Alertmanager matchers: {@code team="db"}, {@code severity=~"warn|crit"}, {@code env!=prod}, optionally in braces. */
public final class Matchers {
    private static final Pattern ONE = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}\\s]*)\\s*");

    private Matchers() {
    }

    public static Matcher parse(String text) {
        String t = text.trim();
        if (t.startsWith("{") && t.endsWith("}")) {
            t = t.substring(1, t.length() - 1);
        }
        java.util.regex.Matcher m = ONE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad matcher format: " + text + " (expected e.g. severity=\"critical\")");
        }
        String v = m.group(3);
        if (v.startsWith("\"")) {
            v = v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        Matcher.Type type = switch (m.group(2)) {
            case "=" -> Matcher.Type.EQ;
            case "!=" -> Matcher.Type.NEQ;
            case "=~" -> Matcher.Type.RE;
            default -> Matcher.Type.NRE;
        };
        return Matcher.of(type, m.group(1), v);
    }

    public static List<Matcher> parseAll(List<String> texts) {
        List<Matcher> out = new ArrayList<>();
        for (String s : texts) {
            out.add(parse(s));
        }
        return out;
    }
}
