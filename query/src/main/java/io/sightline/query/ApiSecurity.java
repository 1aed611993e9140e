package io.sightline.query;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;

/**
 * How the HTTP API listener protects itself: TLS, a policy every request passes before its body is read
 * (credentials per endpoint, per-client rate), and a deadline for receiving a whole request. Built by the server
 * module, which reads certificate files and secrets; the API server only applies it. Immutable.
 *
 * @param tls               TLS of the listener, or null for plain HTTP
 * @param access            asked once per request; {@link AccessPolicy#OPEN} lets everything through
 * @param readTimeoutMillis a request must arrive completely within this long after its first byte, so a client
 *                          trickling bytes cannot hold a connection and its buffers ({@code http.read_timeout}, 1m)
 */
public record ApiSecurity(Tls tls, AccessPolicy access, long readTimeoutMillis) {
    public static final long DEFAULT_READ_TIMEOUT_MILLIS = 60_000;

    public ApiSecurity {
        Objects.requireNonNull(access, "access");
        if (readTimeoutMillis < 1) {
            throw new IllegalArgumentException("http.read_timeout must be > 0, got " + readTimeoutMillis + "ms");
        }
    }

    /** Plain HTTP, no credentials, the default read timeout. */
    public static ApiSecurity none() {
        return new ApiSecurity(null, AccessPolicy.OPEN, DEFAULT_READ_TIMEOUT_MILLIS);
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
    public interface AccessPolicy {
        AccessPolicy OPEN = (client, method, path, authorization) -> null;

        /**
         * @param client        the peer's address
         * @param method        the upper-case HTTP method
         * @param path          the request path without the query string, not yet percent-decoded
         * @param authorization the {@code Authorization} header, or null
         * @return null to let the request through, else how to refuse it
         */
        Refusal check(InetSocketAddress client, String method, String path, String authorization);
    }

    /**
     * A refused request, typically 401 or 429.
     *
     * @param status  the HTTP status
     * @param message the error text sent back; must not reveal what was expected
     * @param headers extra response headers, such as {@code WWW-Authenticate} or {@code Retry-After}
     */
    public record Refusal(int status, String message, Map<String, String> headers) {
        public Refusal {
            headers = Map.copyOf(headers);
        }
    }
}
