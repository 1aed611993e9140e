package io.sightline.query.logql;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code | regexp "(?P<name>...)"}: named groups become labels. Go writes {@code (?P<name>)} and allows
 * {@code _} in names, Java neither, so groups are renamed {@code g0, g1, ...} and mapped back.
 * Thread-safe (a matcher per call).
 */
final class RegexpStage {
    private static final Pattern NAMED = Pattern.compile("\\(\\?P?<([a-zA-Z_][a-zA-Z0-9_]*)>");

    private final Pattern pattern;
    private final List<String> names = new ArrayList<>();

    RegexpStage(String goPattern) {
        Matcher m = NAMED.matcher(goPattern);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, "(?<g" + names.size() + ">");
            names.add(m.group(1));
        }
        m.appendTail(sb);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("regexp needs at least one named group such as (?P<name>...)");
        }
        this.pattern = Pattern.compile(sb.toString());
    }

    /** The Java form of a Go pattern, for validation. */
    static String toJava(String goPattern) {
        return NAMED.matcher(goPattern).replaceAll("(?<g>");
    }

    void apply(LogLine l) {
        Matcher m = pattern.matcher(l.line());
        if (!m.find()) {
            return;
        }
        for (int i = 0; i < names.size(); i++) {
            String v = m.group("g" + i);
            if (v != null) {
                l.setParsed(names.get(i), v);
            }
        }
    }
}
