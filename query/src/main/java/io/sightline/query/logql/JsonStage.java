package io.sightline.query.logql;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.List;

/**
 * {@code | json}: every scalar field of a JSON object line becomes a label, nested names joined with
 * {@code _} and sanitised (arrays are skipped, as in Loki); with parameters only the named paths
 * ({@code a.b}, {@code a[0]}, {@code ["a b"]}) are extracted. A line that is not a JSON object gets
 * {@code __error__="JSONParserErr"}. Thread-safe.
 */
final class JsonStage {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private final List<String[]> params;

    JsonStage(List<String[]> params) {
        this.params = params;
    }

    void apply(LogLine l) {
        if (params.isEmpty()) {
            flatten(l);
        } else {
            extract(l);
        }
    }

    private static void flatten(LogLine l) {
        try (JsonParser p = FACTORY.createParser(l.line())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                l.error("JSONParserErr", "line is not a JSON object");
                return;
            }
            walk(p, "", l);
            if (p.nextToken() != null) {
                l.error("JSONParserErr", "trailing data after the JSON object");
            }
        } catch (IOException e) {
            l.error("JSONParserErr", e.getMessage());
        }
    }

    /** Reads the fields of the object whose START_OBJECT was just read. */
    private static void walk(JsonParser p, String prefix, LogLine l) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = prefix.isEmpty() ? sanitise(p.currentName()) : prefix + "_" + sanitise(p.currentName());
            JsonToken v = p.nextToken();
            switch (v) {
                case START_OBJECT -> walk(p, name, l);
                case START_ARRAY -> p.skipChildren();
                case VALUE_NULL -> l.setParsed(name, "");
                case VALUE_STRING -> l.setParsed(name, p.getText());
                default -> l.setParsed(name, p.getText());
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IOException("malformed object");
        }
    }

    private void extract(LogLine l) {
        JsonNode root;
        try {
            root = MAPPER.readTree(l.line());
        } catch (IOException e) {
            l.error("JSONParserErr", e.getMessage());
            return;
        }
        if (root == null || !root.isObject()) {
            l.error("JSONParserErr", "line is not a JSON object");
            return;
        }
        for (String[] p : params) {
            JsonNode n = path(root, p[1]);
            if (n != null && !n.isMissingNode()) {
                l.setParsed(p[0], n.isValueNode() ? (n.isNull() ? "" : n.asText()) : n.toString());
            }
        }
    }

    /** {@code a.b[0]["c d"]}. */
    static JsonNode path(JsonNode root, String path) {
        JsonNode n = root;
        int i = 0;
        while (i < path.length() && n != null) {
            char c = path.charAt(i);
            if (c == '.') {
                i++;
            } else if (c == '[') {
                int close = path.indexOf(']', i);
                if (close < 0) {
                    return null;
                }
                String inner = path.substring(i + 1, close).strip();
                if (inner.startsWith("\"")) {
                    n = n.get(inner.substring(1, inner.length() - 1));
                } else {
                    try {
                        n = n.get(Integer.parseInt(inner));
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
                i = close + 1;
            } else {
                int end = i;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                n = n.get(path.substring(i, end));
                i = end;
            }
        }
        return n;
    }

    /** Characters outside {@code [a-zA-Z0-9_]} become {@code _}; a leading digit gets a {@code _} prefix. */
    static String sanitise(String name) {
        StringBuilder sb = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= '0' && c <= '9';
            if (!ok && sb == null) {
                sb = new StringBuilder(name.substring(0, i));
            }
            if (sb != null) {
                sb.append(ok ? c : '_');
            }
        }
        String s = sb == null ? name : sb.toString();
        return !s.isEmpty() && Character.isDigit(s.charAt(0)) ? "_" + s : s;
    }
}
