package io.sightline.http;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: 16 random hex digits per request, returned in {@code X-Request-Id} and put in the SLF4J MDC under
 * {@code request_id} while the request is handled, so an operator can match a client's error to the log line. One
 * scheme for the OTLP/HTTP server and the HTTP API, so an operator greps one key for both. Thread-safe.
 */
public final class RequestIds {
    /** The response header that carries a request's id. */
    public static final String HEADER = "X-Request-Id";
    /** The MDC key under which a request's id is logged while it is handled. */
    public static final String MDC_KEY = "request_id";
    private static final HexFormat HEX = HexFormat.of();

    private RequestIds() {
    }

    /** @return a new id: 16 lowercase hex digits */
    public static String next() {
        return HEX.toHexDigits(ThreadLocalRandom.current().nextLong()); // String.format made ~0.5 KB of garbage per request
    }
}
