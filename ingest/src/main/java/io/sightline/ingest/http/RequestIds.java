package io.sightline.ingest.http;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids of OTLP/HTTP: 16 random hex digits per request, returned in {@code X-Request-Id} and put in the
 * SLF4J MDC under {@code request_id} while the request is handled. The same scheme as the query API's (the two
 * modules may not depend on each other), so an operator greps one key for both.
 */
final class RequestIds {
    static final String HEADER = "X-Request-Id";
    static final String MDC_KEY = "request_id";

    private RequestIds() {
    }

    static String next() {
        return String.format("%016x", ThreadLocalRandom.current().nextLong());
    }
}
