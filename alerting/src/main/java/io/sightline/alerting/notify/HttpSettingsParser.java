package io.sightline.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@code http_config} (receiver level or {@code global.http_config}, which receivers inherit when they set
 * none, as in Alertmanager). Keys Sightline cannot honour ({@code oauth2}, {@code proxy_connect_header},
 * {@code tls_config.server_name}, inline {@code ca}/{@code cert}/{@code key}) stop the load with a clear error
 * rather than sending unauthenticated or unproxied requests.
 */
final class HttpSettingsParser {
    private static final Set<String> KEYS = Set.of("authorization", "basic_auth", "bearer_token", "bearer_token_file",
            "tls_config", "proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header", "follow_redirects",
            "enable_http2", "http_headers", "oauth2");
    private static final Set<String> TLS_KEYS = Set.of("ca_file", "cert_file", "key_file", "ca", "cert", "key",
            "server_name", "insecure_skip_verify", "min_version", "max_version");
    private static final Set<String> TLS_VERSIONS = Set.of("TLS10", "TLS11", "TLS12", "TLS13");

    private HttpSettingsParser() {
    }

    /** The settings of {@code owner.http_config}, or {@code inherited} when the key is absent. */
    static HttpSettings parse(ConfigReader owner, HttpSettings inherited) {
        if (!owner.node().hasNonNull("http_config")) {
            return inherited;
        }
        ConfigReader r = owner.child("http_config", owner.where() + ".http_config");
        r.allowOnly(KEYS);
        reject(r, "oauth2", "OAuth 2.0 client credentials are not supported; use authorization with a token");
        reject(r, "proxy_connect_header", "headers for the proxy's CONNECT are not supported");
        int authKinds = (r.node().has("authorization") ? 1 : 0) + (r.node().has("basic_auth") ? 1 : 0)
                + (r.node().has("bearer_token") || r.node().has("bearer_token_file") ? 1 : 0);
        if (authKinds > 1) {
            throw new IllegalArgumentException(r.where() + ": at most one of basic_auth, authorization and bearer_token"
                    + " (bearer_token_file) must be configured");
        }
        String auth = null;
        if (r.node().has("authorization")) {
            ConfigReader a = r.child("authorization", r.where() + ".authorization");
            a.allowOnly(Set.of("type", "credentials", "credentials_file"));
            String type = a.string("type", "Bearer");
            if (type.equalsIgnoreCase("basic")) {
                throw new IllegalArgumentException(a.where() + ".type: authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
            }
            String cred = a.secret("credentials", "credentials_file", null, false);
            auth = cred == null || cred.isEmpty() ? null : type + " " + cred;
        } else if (r.node().has("bearer_token") || r.node().has("bearer_token_file")) {
            auth = "Bearer " + r.secret("bearer_token", "bearer_token_file", null, true);
        } else if (r.node().has("basic_auth")) {
            ConfigReader b = r.child("basic_auth", r.where() + ".basic_auth");
            b.allowOnly(Set.of("username", "username_file", "password", "password_file"));
            String user = b.secret("username", "username_file", "", false);
            String pass = b.secret("password", "password_file", "", false);
            auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
        }
        Map<String, String> headers = headers(r);
        HttpSettings.Tls tls = tls(r);
        URI proxy = null;
        if (r.node().hasNonNull("proxy_url") && !r.string("proxy_url", "").isEmpty()) {
            proxy = proxyUri(r.where() + ".proxy_url", r.string("proxy_url", ""));
        }
        if (r.bool("proxy_from_environment", false)) {
            if (proxy != null) {
                throw new IllegalArgumentException(r.where() + ": if proxy_from_environment is configured, proxy_url must not be configured");
            }
            String env = r.envValue("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy");
            proxy = env == null || env.isEmpty() ? null : proxyUri(r.where() + ".proxy_from_environment", env);
        }
        List<String> noProxy = new ArrayList<>();
        String np = r.node().hasNonNull("no_proxy") ? r.string("no_proxy", "")
                : r.bool("proxy_from_environment", false) ? r.envValue("NO_PROXY", "no_proxy") : null;
        if (np != null) {
            for (String h : np.split(",")) {
                if (!h.isBlank()) {
                    noProxy.add(h.strip().toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        if (!noProxy.isEmpty() && proxy == null && r.node().hasNonNull("no_proxy")) {
            throw new IllegalArgumentException(r.where() + ": if no_proxy is configured, proxy_url must also be configured");
        }
        return new HttpSettings(auth, headers, tls, proxy, List.copyOf(noProxy), r.bool("follow_redirects", true),
                r.bool("enable_http2", true));
    }

    private static Map<String, String> headers(ConfigReader r) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode h = r.node().path("http_headers");
        for (Map.Entry<String, JsonNode> e : h.properties()) {
            String where = r.where() + ".http_headers." + e.getKey();
            ConfigReader hr = new ConfigReader(e.getValue(), where, r.env());
            hr.allowOnly(Set.of("values", "secrets", "files"));
            if (Set.of("authorization", "content-type", "user-agent", "content-length", "host")
                    .contains(e.getKey().toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException(where + ": header is reserved and cannot be set");
            }
            List<String> values = new ArrayList<>(hr.stringList("values"));
            values.addAll(hr.stringList("secrets"));
            for (String f : hr.stringList("files")) {
                values.add(ConfigReader.readSecretFile(where + ".files", f));
            }
            if (!values.isEmpty()) {
                out.put(e.getKey(), String.join(", ", values));
            }
        }
        return Map.copyOf(out);
    }

    private static HttpSettings.Tls tls(ConfigReader r) {
        if (!r.node().hasNonNull("tls_config")) {
            return HttpSettings.Tls.DEFAULT;
        }
        ConfigReader t = r.child("tls_config", r.where() + ".tls_config");
        t.allowOnly(TLS_KEYS);
        reject(t, "ca", "inline certificates are not supported; use ca_file");
        reject(t, "cert", "inline certificates are not supported; use cert_file");
        reject(t, "key", "inline keys are not supported; use key_file");
        reject(t, "server_name", "overriding the TLS server name is not supported");
        String cert = t.string("cert_file", null);
        String key = t.string("key_file", null);
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException(t.where() + ": exactly one of key_file and cert_file is set; client "
                    + "certificates need both");
        }
        String min = version(t, "min_version");
        String max = version(t, "max_version");
        HttpSettings.Tls tls = new HttpSettings.Tls(t.string("ca_file", null), cert, key,
                t.bool("insecure_skip_verify", false), min, max);
        HttpClients.check(t.where(), tls); // fail at load on unreadable files, not at the first alert
        return tls;
    }

    private static String version(ConfigReader t, String key) {
        String v = t.string(key, null);
        if (v != null && !TLS_VERSIONS.contains(v)) {
            throw new IllegalArgumentException(t.where() + "." + key + ": unknown TLS version " + v
                    + " (known: TLS10, TLS11, TLS12, TLS13)");
        }
        return v;
    }

    private static URI proxyUri(String where, String value) {
        try {
            URI u = URI.create(value);
            if (u.getHost() == null || u.getPort() == 0 || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                throw new IllegalArgumentException("expected http://host:port");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": not a valid proxy URL (" + e.getMessage() + ")", e);
        }
    }

    private static void reject(ConfigReader r, String key, String why) {
        if (r.node().has(key)) {
            throw new IllegalArgumentException(r.where() + "." + key + ": " + why);
        }
    }
}
