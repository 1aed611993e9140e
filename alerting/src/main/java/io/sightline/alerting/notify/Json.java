package io.sightline.alerting.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.storage.model.Labels;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** JSON helpers shared by the integrations: one mapper, Go's time format, label maps. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    /** Go's zero time, which Alertmanager writes as {@code endsAt} of a firing alert. */
    public static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private Json() {
    }

    /** RFC 3339 with the fraction as Go prints it (trailing zeros dropped); 0 gives Go's zero time. */
    public static String time(long millis) {
        if (millis == 0) {
            return ZERO_TIME;
        }
        String s = Instant.ofEpochMilli(millis).toString();
        // Instant prints .100Z; Go prints .1Z
        if (s.contains(".")) {
            s = s.replaceAll("0+Z$", "Z").replace(".Z", "Z");
        }
        return s;
    }

    /** A response body as JSON, or an empty object when it is not JSON (services answer plain text too). */
    public static com.fasterxml.jackson.databind.JsonNode readOrEmpty(String body) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = body == null || body.isBlank() ? null : MAPPER.readTree(body);
            return n == null ? MAPPER.createObjectNode() : n;
        } catch (JsonProcessingException e) {
            return MAPPER.createObjectNode();
        }
    }

    /** Seconds (possibly fractional) at {@code field} of a JSON body as milliseconds, or -1. */
    public static long secondsAsMillis(com.fasterxml.jackson.databind.JsonNode n) {
        return n != null && n.isNumber() && n.asDouble() >= 0 ? (long) Math.ceil(n.asDouble() * 1000) : -1;
    }

    public static ObjectNode labels(Labels l) {
        ObjectNode n = MAPPER.createObjectNode();
        for (int i = 0; i < l.size(); i++) {
            n.put(l.name(i), l.value(i));
        }
        return n;
    }

    public static ObjectNode map(Map<String, String> m) {
        ObjectNode n = MAPPER.createObjectNode();
        new java.util.TreeMap<>(m).forEach(n::put);
        return n;
    }

    /** Sets {@code key} only when {@code value} is not empty (optional fields the services reject as "" ). */
    public static void putIfPresent(ObjectNode n, String key, String value) {
        if (value != null && !value.isEmpty()) {
            n.put(key, value);
        }
    }

    /** Serialises with a trailing newline, as Go's json.Encoder does. */
    public static byte[] bytes(Object node) {
        try {
            return (MAPPER.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("BUG: cannot serialise a JSON tree", e);
        }
    }
}
