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
 * @param content raw body (already bounded by the server's limit); the server's may be read only while the
 *                route handler runs (it lives in the connection's receive buffer, released after the handler)
 */
public record HttpCall(String method, String path, Map<String, List<String>> params, Map<String, String> headers,
                       Body content) {
    /** A call whose body is {@code body}, readable at any time. */
    public HttpCall(String method, String path, Map<String, List<String>> params, Map<String, String> headers,
                    byte[] body) {
        this(method, path, params, headers, new ArrayBody(body));
    }

    /** The first value of a parameter, or null. */
    public String param(String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    /**
     * The raw body as an array: the server's is copied out of its receive buffer on the first call (and kept), so
     * a handler that only reads the body once into a buffer of its own should use {@link Body#copyTo} instead.
     * Call it while the handler runs.
     */
    public byte[] body() {
        return content.bytes();
    }

    /**
     * A request body. The server's reads from the connection's receive buffer, so it is valid only while the route
     * handler runs; copy what must outlive it. Not thread-safe (one handler thread reads it).
     */
    public interface Body {
        /** The body's size in bytes. */
        int length();

        /** Copies the whole body into {@code dst[offset, offset + length())}, without allocating. */
        void copyTo(byte[] dst, int offset);

        /** The body as an array (the same array on every call). */
        byte[] bytes();
    }

    private record ArrayBody(byte[] bytes) implements Body {
        @Override
        public int length() {
            return bytes.length;
        }

        @Override
        public void copyTo(byte[] dst, int offset) {
            System.arraycopy(bytes, 0, dst, offset, bytes.length);
        }
    }
}
