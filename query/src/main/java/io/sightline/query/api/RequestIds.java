package io.sightline.query.api;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: 16 random hex digits per request, returned in {@code X-Request-Id} and put in the SLF4J MDC
 * under {@code request_id} while the handler runs, so an operator can match a client's error to the log line.
 */
final class RequestIds {
    static final String HEADER = "X-Request-Id";
    static final String MDC_KEY = "request_id";
    private static final HexFormat HEX = HexFormat.of();

    private RequestIds() {
    }

    static String next() {
        return HEX.toHexDigits(ThreadLocalRandom.current().nextLong()); // String.format made ~0.5 KB of garbage per request
    }
}
