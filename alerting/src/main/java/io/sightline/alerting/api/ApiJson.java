package io.sightline.alerting.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.query.HttpResult;

import java.math.BigDecimal;
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
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return "0e+00";
        }
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exp = d.precision() - d.scale() - 1;
        StringBuilder sb = new StringBuilder();
        if (v < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exp < 0 ? '-' : '+');
        int a = Math.abs(exp);
        if (a < 10) {
            sb.append('0');
        }
        return sb.append(a).toString();
    }
}
