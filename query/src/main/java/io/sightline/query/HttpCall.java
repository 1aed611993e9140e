package io.sightline.query;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request as route handlers see it, free of Netty types.
 *
 * @param method  upper-case method
 * @param path    decoded path without the query string
 * @param params  query-string parameters merged with form-encoded body parameters
 * @param headers header names lower-cased; the first value of each
 * @param body    raw body (already bounded by the server's limit)
 */
public record HttpCall(String method, String path, Map<String, List<String>> params, Map<String, String> headers,
                       byte[] body) {
    /** The first value of a parameter, or null. */
    public String param(String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }
}
