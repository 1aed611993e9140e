package io.sightline.ingest;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;

/**
 * How the two OTLP listeners protect themselves: TLS per listener, a gate every request passes before its body
 * is read (credentials, per-client rate), and connection limits. Built by the server module, which reads the
 * certificate files and secrets; ingest only applies it. Immutable.
 *
 * @param grpcTls TLS of the OTLP/gRPC listener, or null for plaintext
 * @param httpTls TLS of the OTLP/HTTP listener, or null for plain HTTP
 * @param gate    asked once per request (HTTP) or call (gRPC) with the client's address and its
 *                {@code Authorization} header or metadata; {@link Gate#OPEN} lets everything through
 * @param limits  connection-level limits of both listeners
 */
public record IngestSecurity(Tls grpcTls, Tls httpTls, Gate gate, Limits limits) {
    public IngestSecurity {
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(limits, "limits");
    }

    /** Plaintext, no credentials, default limits: what a listener on 127.0.0.1 runs with by default. */
    public static IngestSecurity none() {
        return new IngestSecurity(null, null, Gate.OPEN, Limits.defaults());
    }

    /** A copy with other limits. */
    public IngestSecurity withLimits(Limits newLimits) {
        return new IngestSecurity(grpcTls, httpTls, gate, newLimits);
    }

    /**
     * A server certificate and key, and optionally the CAs that client certificates must chain to.
     *
     * @param keys     the server's key and certificate chain
     * @param clientCa when not null, every client must present a certificate issued by one of these (mTLS)
     */
    public record Tls(KeyManagerFactory keys, TrustManagerFactory clientCa) {
        public Tls {
            Objects.requireNonNull(keys, "keys");
        }
    }

    /** Decides whether a request may proceed. Implementations must be thread-safe and must not block for long. */
    @FunctionalInterface
    public interface Gate {
        Gate OPEN = (client, authorization) -> null;

        /**
         * @param client        the peer's address
         * @param authorization the {@code Authorization} header (HTTP) or metadata value (gRPC), or null
         * @return null to let the request through, else how to refuse it
         */
        Refusal check(InetSocketAddress client, String authorization);
    }

    /**
     * A refused request: 401 (gRPC UNAUTHENTICATED) or 429 (gRPC RESOURCE_EXHAUSTED).
     *
     * @param status  the HTTP status
     * @param message the text sent back; must not reveal what was expected
     * @param headers extra response headers, such as {@code WWW-Authenticate} or {@code Retry-After}
     */
    public record Refusal(int status, String message, Map<String, String> headers) {
        public Refusal {
            headers = Map.copyOf(headers);
        }
    }

    /**
     * @param maxConnections     open connections at once on each OTLP port (gRPC and HTTP counted apart); one more
     *                           is closed at once and counted in {@code sightline_ingest_connections_refused_total}
     *                           ({@code ingest.max_connections}, 1024)
     * @param maxHeaderBytes     largest request line and header block (HTTP, answered 431/400) and metadata (gRPC)
     *                           ({@code ingest.max_header_bytes}, 64 KiB)
     * @param idleTimeoutMillis  a connection with no traffic for this long is closed
     *                           ({@code ingest.idle_timeout}, 5m)
     * @param readTimeoutMillis  a request must arrive completely within this long after its first byte (HTTP) or
     *                           the call's start (gRPC, until the client half-closes), so a client trickling bytes
     *                           cannot hold a connection and its buffer ({@code ingest.read_timeout}, 1m)
     */
    public record Limits(int maxConnections, int maxHeaderBytes, long idleTimeoutMillis, long readTimeoutMillis) {
        public static final int DEFAULT_MAX_CONNECTIONS = 1024;
        public static final int DEFAULT_MAX_HEADER_BYTES = 64 << 10;
        public static final long DEFAULT_IDLE_TIMEOUT_MILLIS = 300_000;
        public static final long DEFAULT_READ_TIMEOUT_MILLIS = 60_000;

        public Limits {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("ingest.max_connections must be > 0, got " + maxConnections);
            }
            if (maxHeaderBytes < 1024) {
                throw new IllegalArgumentException("ingest.max_header_bytes must be at least 1024, got " + maxHeaderBytes);
            }
            if (idleTimeoutMillis < 1) {
                throw new IllegalArgumentException("ingest.idle_timeout must be > 0, got " + idleTimeoutMillis + "ms");
            }
            if (readTimeoutMillis < 1) {
                throw new IllegalArgumentException("ingest.read_timeout must be > 0, got " + readTimeoutMillis + "ms");
            }
        }

        public static Limits defaults() {
            return new Limits(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_HEADER_BYTES, DEFAULT_IDLE_TIMEOUT_MILLIS,
                    DEFAULT_READ_TIMEOUT_MILLIS);
        }
    }
}
