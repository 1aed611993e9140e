package io.sightline.alerting.template;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code toJson} for template values: strings, numbers, booleans, maps (sorted keys, as Go) and lists. */
final class TemplateJson {
    private TemplateJson() {
    }

    static String write(Object o) {
        StringBuilder sb = new StringBuilder();
        write(o, sb);
        return sb.toString();
    }

    private static void write(Object o, StringBuilder sb) {
        switch (o) {
            case null -> sb.append("null");
            case Boolean b -> sb.append(b);
            case Double d -> sb.append(GoFormat.formatFloat(d));
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    string(String.valueOf(e.getKey()), sb);
                    sb.append(':');
                    write(e.getValue(), sb);
                }
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    write(l.get(i), sb);
                }
                sb.append(']');
            }
            default -> string(GoFormat.toText(o), sb);
        }
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"').append(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s)).append('"');
    }
}
