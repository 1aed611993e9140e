package io.sightline.alerting.notify;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * A receiver's {@code http_config} (Prometheus's common HTTP client config) as far as Sightline implements it:
 * the {@code Authorization} header (bearer, other types, or basic auth), custom headers, TLS (CA file, client
 * certificate, skipping verification, version bounds), a proxy with {@code no_proxy}, redirects and HTTP/2.
 * Immutable; secrets are read when the config loads (a reload picks up rotated files).
 *
 * @param authorization the {@code Authorization} header value, or null
 * @param headers       further headers to send with every request
 * @param proxy         proxy address, or null for a direct connection
 * @param noProxy       hosts, domain suffixes ({@code .example.com}) or IPs reached without the proxy
 */
public record HttpSettings(String authorization, Map<String, String> headers, Tls tls, URI proxy, List<String> noProxy,
                           boolean shouldFollowRedirects, boolean isHttp2Enabled) {

    /** Defaults: no auth, system trust store, direct, redirects followed, HTTP/2 allowed (as Prometheus). */
    public static final HttpSettings DEFAULT = new HttpSettings(null, Map.of(), Tls.DEFAULT, null, List.of(), true, true);

    /**
     * @param caFile      PEM file of the CA certificates to trust instead of the system's, or null
     * @param certFile    PEM client certificate (chain), or null
     * @param keyFile     PEM PKCS#8 private key of the client certificate, or null
     * @param minVersion  {@code TLS12} or {@code TLS13}, or null for the JDK's default
     */
    public record Tls(String caFile, String certFile, String keyFile, boolean isInsecureSkipVerify, String minVersion,
                      String maxVersion) {
        public static final Tls DEFAULT = new Tls(null, null, null, false, null, null);
    }

    /** Whether requests need a client of their own rather than the shared default one. */
    boolean needsOwnClient() {
        return !tls.equals(Tls.DEFAULT) || proxy != null || !shouldFollowRedirects || !isHttp2Enabled;
    }

    @Override
    public String toString() {
        // never print credentials
        return "HttpSettings[authorization=" + (authorization == null ? "none" : "<secret>") + ", headers="
                + headers.keySet() + ", tls=" + tls + ", proxy=" + (proxy == null ? "none" : "<set>") + "]";
    }
}
