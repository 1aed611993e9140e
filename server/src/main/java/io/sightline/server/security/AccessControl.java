package io.sightline.server.security;

import io.sightline.ingest.IngestSecurity;
import io.sightline.query.ApiSecurity;
import io.sightline.server.config.SecurityConfig;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Who may call what: turns a {@link SecurityConfig} into the gate of the OTLP listeners and the access policy of
 * the HTTP API. Health and readiness stay open; writes on the API port take the ingest credential; admin
 * endpoints take the admin credential whenever any query or admin credential is set (none set: no admin access
 * over an authenticated API); every other path takes the query credential. Per-client rates apply before
 * credentials, so guessing passwords is rate limited too. Thread-safe.
 */
public final class AccessControl {
    private static final String REFUSED = "authentication required: missing or wrong credentials";
    private static final Map<String, String> RETRY = Map.of("Retry-After", "1");

    private final SecurityConfig config;
    private final ClientRateLimiter ingestRate;
    private final ClientRateLimiter apiRate;

    public AccessControl(SecurityConfig config) {
        this.config = config;
        this.ingestRate = limiter(config.ingestRate());
        this.apiRate = limiter(config.apiRate());
    }

    private static ClientRateLimiter limiter(SecurityConfig.RateLimit r) {
        return r.isEnabled() ? new ClientRateLimiter(r.requestsPerSecond(), r.burst()) : null;
    }

    /** What the OTLP listeners run with. */
    public IngestSecurity ingest() {
        IngestSecurity.Gate gate = (client, authorization) -> {
            if (!allowed(ingestRate, client)) {
                return new IngestSecurity.Refusal(429, "too many requests from this client (ingest.rate_limit)", RETRY);
            }
            Credentials c = config.ingest();
            return !c.isConfigured() || c.accepts(authorization) ? null
                    : new IngestSecurity.Refusal(401, REFUSED, Map.of("WWW-Authenticate", c.challenge()));
        };
        return new IngestSecurity(config.grpcTls(), config.otlpHttpTls(), gate, config.ingestLimits());
    }

    /** What the HTTP API runs with. */
    public ApiSecurity api() {
        return new ApiSecurity(config.apiTls(), this::checkApi, config.apiReadTimeoutMillis());
    }

    private ApiSecurity.Refusal checkApi(InetSocketAddress client, String method, String path, String authorization) {
        if (path.equals("/-/healthy") || path.equals("/-/ready")) {
            return null;
        }
        if (!allowed(apiRate, client)) {
            return new ApiSecurity.Refusal(429, "too many requests from this client (http.rate_limit)", RETRY);
        }
        Credentials c = switch (kind(method, path)) {
            case INGEST -> config.ingest();
            case ADMIN -> config.admin().isConfigured() || !config.query().isConfigured() ? config.admin() : null;
            case QUERY -> config.query();
        };
        if (c == null) {
            // Queries are protected but no admin credential exists: admin endpoints stay shut.
            return new ApiSecurity.Refusal(401, REFUSED, Map.of("WWW-Authenticate", config.query().challenge()));
        }
        return !c.isConfigured() || c.accepts(authorization) ? null
                : new ApiSecurity.Refusal(401, REFUSED, Map.of("WWW-Authenticate", c.challenge()));
    }

    private enum Kind { QUERY, INGEST, ADMIN }

    static Kind kind(String method, String path) {
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (path.equals("/-/reload") || path.startsWith("/api/v1/admin/") || (!read && path.startsWith("/api/v2/silence"))) {
            return Kind.ADMIN;
        }
        if (!read && (path.equals("/api/v1/write") || path.startsWith("/api/v1/otlp/") || path.startsWith("/loki/api/v1/push")
                || path.startsWith("/otlp/"))) {
            return Kind.INGEST;
        }
        return Kind.QUERY;
    }

    private static boolean allowed(ClientRateLimiter limiter, InetSocketAddress client) {
        return limiter == null || limiter.tryAcquire(client == null ? null : client.getAddress(), System.nanoTime());
    }
}
