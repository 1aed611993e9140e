package io.sightline.server.config;

import io.sightline.ingest.IngestSecurity;
import io.sightline.query.ApiSecurity;
import io.sightline.server.security.Credentials;
import io.sightline.server.security.PemFiles;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * TLS, credentials and abuse limits of the three listeners, read from {@code tls.*}, {@code otlp.grpc_tls.*},
 * {@code otlp.http_tls.*}, {@code http.tls.*}, {@code auth.*}, {@code ingest.*} and {@code http.*} (see
 * deploy/sightline.example.yml). Certificate, key and token files are read here, once, at start-up; relative
 * paths are relative to the config file. Secrets never appear in {@link #toString()}.
 *
 * @param grpcTls         OTLP/gRPC TLS, or null
 * @param otlpHttpTls     OTLP/HTTP TLS, or null
 * @param apiTls          HTTP API TLS, or null
 * @param ingest          credentials for OTLP (both ports) and the API port's write endpoints
 * @param query           credentials for reading (PromQL, Loki, status, /metrics)
 * @param admin           credentials for /-/reload, silences changes and /api/v1/admin/*
 * @param ingestRate      per-client request rate of the OTLP ports
 * @param apiRate         per-client request rate of the API port
 * @param ingestLimits    connection limits of the OTLP ports
 * @param apiReadTimeoutMillis {@code http.read_timeout}
 */
public record SecurityConfig(IngestSecurity.Tls grpcTls, IngestSecurity.Tls otlpHttpTls, ApiSecurity.Tls apiTls,
                             Credentials ingest, Credentials query, Credentials admin, RateLimit ingestRate,
                             RateLimit apiRate, IngestSecurity.Limits ingestLimits, long apiReadTimeoutMillis) {

    /**
     * @param requestsPerSecond average requests per second per client IP; 0 = unlimited
     * @param burst             requests a client may send at once after being quiet
     */
    public record RateLimit(double requestsPerSecond, int burst) {
        public boolean isEnabled() {
            return requestsPerSecond > 0;
        }
    }

    /** Env variables that may carry the bearer tokens instead of files. */
    static final String ENV_PREFIX = "SIGHTLINE_AUTH_";

    static SecurityConfig from(ConfigSource src, Path base, UnaryOperator<String> env) {
        String cert = src.string("tls.cert_file", null);
        String key = src.string("tls.key_file", null);
        String clientCa = src.string("tls.client_ca_file", null);
        Tls grpc = tls(src, base, "otlp.grpc_tls", cert, key, clientCa);
        Tls otlpHttp = tls(src, base, "otlp.http_tls", cert, key, clientCa);
        // Browsers and Grafana rarely carry client certificates: tls.client_ca_file applies to the OTLP ports only.
        Tls api = tls(src, base, "http.tls", cert, key, null);
        IngestSecurity.Limits d = IngestSecurity.Limits.defaults();
        IngestSecurity.Limits limits = new IngestSecurity.Limits(
                (int) src.integer("ingest.max_connections", d.maxConnections()),
                (int) Math.min(Integer.MAX_VALUE, src.bytes("ingest.max_header_bytes", d.maxHeaderBytes())),
                src.durationMillis("ingest.idle_timeout", d.idleTimeoutMillis()),
                src.durationMillis("ingest.read_timeout", d.readTimeoutMillis()));
        return new SecurityConfig(
                grpc == null ? null : new IngestSecurity.Tls(grpc.keys, grpc.clientCa),
                otlpHttp == null ? null : new IngestSecurity.Tls(otlpHttp.keys, otlpHttp.clientCa),
                api == null ? null : new ApiSecurity.Tls(api.keys, api.clientCa),
                credentials(src, base, env, "ingest"), credentials(src, base, env, "query"),
                credentials(src, base, env, "admin"),
                rate(src, "ingest.rate_limit"), rate(src, "http.rate_limit"), limits,
                src.durationMillis("http.read_timeout", ApiSecurity.DEFAULT_READ_TIMEOUT_MILLIS));
    }

    private record Tls(KeyManagerFactory keys, TrustManagerFactory clientCa) {
    }

    private static Tls tls(ConfigSource src, Path base, String prefix, String cert, String key, String clientCa) {
        String c = src.string(prefix + ".cert_file", cert);
        String k = src.string(prefix + ".key_file", key);
        String ca = src.string(prefix + ".client_ca_file", clientCa);
        if (c == null && k == null) {
            if (ca != null) {
                throw new IllegalArgumentException(prefix + ".client_ca_file needs a server certificate: set "
                        + prefix + ".cert_file and .key_file (or tls.cert_file and tls.key_file)");
            }
            return null;
        }
        if (c == null || k == null) {
            throw new IllegalArgumentException("TLS needs both a certificate and a key: set " + prefix
                    + ".cert_file and " + prefix + ".key_file (or tls.cert_file and tls.key_file)");
        }
        KeyManagerFactory keys = PemFiles.keyManagers(resolve(base, c), resolve(base, k), prefix + ".cert_file",
                prefix + ".key_file");
        return new Tls(keys, ca == null ? null : PemFiles.trustManagers(resolve(base, ca), prefix + ".client_ca_file"));
    }

    private static Credentials credentials(ConfigSource src, Path base, UnaryOperator<String> env, String scope) {
        String prefix = "auth." + scope;
        String tokenFile = src.string(prefix + ".bearer_token_file", null);
        String token;
        if (tokenFile != null) {
            Path file = resolve(base, tokenFile);
            try {
                token = Files.readString(file).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException(prefix + ".bearer_token_file: cannot read " + file + ": " + e, e);
            }
            if (token.isEmpty()) {
                throw new IllegalArgumentException(prefix + ".bearer_token_file: " + file + " is empty");
            }
        } else {
            String fromEnv = env.apply(ENV_PREFIX + scope.toUpperCase(java.util.Locale.ROOT) + "_BEARER_TOKEN");
            token = fromEnv == null || fromEnv.isBlank() ? null : fromEnv.strip();
        }
        try {
            return new Credentials(token, src.mapUnder(prefix + ".basic_auth_users"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + ".basic_auth_users: " + e.getMessage(), e);
        }
    }

    private static RateLimit rate(ConfigSource src, String prefix) {
        long perSecond = src.integer(prefix + ".requests_per_second", 0);
        if (perSecond < 0) {
            throw new IllegalArgumentException(prefix + ".requests_per_second must be >= 0 (0 = unlimited), got " + perSecond);
        }
        long burst = src.integer(prefix + ".burst", Math.max(10, 2 * perSecond));
        if (burst < 1 || burst > 1_000_000) {
            throw new IllegalArgumentException(prefix + ".burst must be between 1 and 1000000, got " + burst);
        }
        return new RateLimit(perSecond, (int) burst);
    }

    private static Path resolve(Path base, String path) {
        Path p = Path.of(path);
        return p.isAbsolute() || base == null ? p : base.resolve(p);
    }

    @Override
    public String toString() {
        return "SecurityConfig[grpc_tls=" + (grpcTls != null) + ", otlp_http_tls=" + (otlpHttpTls != null)
                + ", http_tls=" + (apiTls != null) + ", ingest=" + ingest + ", query=" + query + ", admin=" + admin
                + ", ingest_rate=" + ingestRate + ", http_rate=" + apiRate + ", ingest_limits=" + ingestLimits
                + ", http_read_timeout_ms=" + apiReadTimeoutMillis + "]";
    }
}
