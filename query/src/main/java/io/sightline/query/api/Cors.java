package io.sightline.query.api;

import io.sightline.query.QueryException;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Prometheus's default CORS behaviour for {@code /api/v1}: a request with an {@code Origin} header gets the CORS
 * headers with {@code Access-Control-Allow-Origin: *}, errors included, and {@code OPTIONS} (the browser's
 * preflight) answers 204. Browser-based tools can then query Sightline directly, as they query Prometheus.
 */
final class Cors {
    private static final Map<String, String> HEADERS = Map.of(
            "access-control-allow-headers", "Accept, Authorization, Content-Type, Origin",
            "access-control-allow-methods", "GET, POST, OPTIONS",
            "access-control-expose-headers", "Date",
            "vary", "Origin",
            "access-control-allow-origin", "*");

    private Cors() {
    }

    static Endpoint wrap(Endpoint e) {
        Set<String> methods = new HashSet<>(e.methods());
        methods.add("OPTIONS");
        return new Endpoint(e.name(), Set.copyOf(methods), e.path(), e.prefix(), call -> {
            Reply reply;
            if (call.method().equals("OPTIONS")) {
                reply = new Reply(204, null, Map.of(), new byte[0], null);
            } else {
                try {
                    reply = e.handler().handle(call);
                } catch (QueryException qe) {
                    reply = Reply.error(qe);
                }
            }
            if (call.header("origin") == null) {
                return reply;
            }
            Map<String, String> headers = new HashMap<>(reply.headers());
            headers.putAll(HEADERS);
            return new Reply(reply.status(), reply.contentType(), headers, reply.bytes(), reply.json());
        });
    }
}
