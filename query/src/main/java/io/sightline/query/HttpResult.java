package io.sightline.query;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An HTTP response from a route handler. */
public record HttpResult(int status, String contentType, Map<String, String> headers, byte[] body) {
    public static HttpResult text(int status, String text) {
        return new HttpResult(status, "text/plain; charset=utf-8", Map.of(), text.getBytes(StandardCharsets.UTF_8));
    }
}
