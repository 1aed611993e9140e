package io.sightline.query.api;

import io.sightline.query.QueryException;

import java.nio.charset.StandardCharsets;

/** gRPC status codes this server answers with, and their mapping from query errors and onto HTTP-like codes for metrics. */
final class GrpcStatus {
    static final int OK = 0;
    static final int CANCELLED = 1;
    static final int UNKNOWN = 2;
    static final int INVALID_ARGUMENT = 3;
    static final int DEADLINE_EXCEEDED = 4;
    static final int NOT_FOUND = 5;
    static final int RESOURCE_EXHAUSTED = 8;
    static final int UNIMPLEMENTED = 12;
    static final int INTERNAL = 13;
    static final int UNAVAILABLE = 14;
    static final int UNAUTHENTICATED = 16;

    private GrpcStatus() {
    }

    static int of(QueryException.ErrorType type) {
        return switch (type) {
            case BAD_DATA -> INVALID_ARGUMENT;
            case EXECUTION -> UNKNOWN;
            case TIMEOUT -> DEADLINE_EXCEEDED;
            case CANCELED -> CANCELLED;
            case UNAVAILABLE -> UNAVAILABLE;
            case NOT_FOUND -> NOT_FOUND;
            case INTERNAL -> INTERNAL;
        };
    }

    /**
     * The HTTP status a call with this gRPC status would have had, for the {@code code} label of
     * {@code sightline_http_requests_total}, so that one alert on 4xx/5xx ratios covers both protocols.
     */
    static int httpEquivalent(int status) {
        return switch (status) {
            case OK -> 200;
            case CANCELLED -> 499;
            case INVALID_ARGUMENT -> 400;
            case DEADLINE_EXCEEDED -> 504;
            case NOT_FOUND -> 404;
            case RESOURCE_EXHAUSTED -> 429;
            case UNIMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
            case UNAUTHENTICATED -> 401;
            default -> 500;
        };
    }

    /** {@code grpc-message}: percent-encoded UTF-8, as the gRPC HTTP/2 protocol asks for bytes outside 0x20..0x7E and '%'. */
    static String encodeMessage(String message) {
        StringBuilder b = new StringBuilder(message.length());
        for (byte x : message.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xFF;
            if (c >= 0x20 && c <= 0x7E && c != '%') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return b.toString();
    }
}
