package io.sightline.alerting.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.query.HttpResult;

import io.sightline.alerting.template.GoFormat;
import java.util.Map;

/** Prometheus's JSON envelope and value formats for the alerting endpoints. */
final class ApiJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiJson() {
    }

    static HttpResult success(JsonNode data) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("status", "success");
        root.set("data", data);
        return json(200, root);
    }

    static HttpResult error(int status, String errorType, String message) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("status", "error");
        root.put("errorType", errorType);
        root.put("error", message);
        return json(status, root);
    }

    static HttpResult json(int status, JsonNode node) {
        try {
            return new HttpResult(status, "application/json", Map.of(), MAPPER.writeValueAsBytes(node));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("BUG: cannot serialise a JSON tree", e);
        }
    }

    /** Go's {@code strconv.FormatFloat(v, 'e', -1, 64)}, which Prometheus uses for alert values. */
    static String floatE(double v) {
        return GoFormat.formatE(v);
    }
}
