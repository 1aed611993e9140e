package io.sightline.server.security;

import io.sightline.query.ApiSecurity;
import io.sightline.server.config.ConfigSource;
import io.sightline.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AccessControlTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 50000);

    @Test
    void withoutCredentialsEverythingIsOpen() {
        ApiSecurity.AccessPolicy p = policy(Map.of());
        assertThat(p.check(CLIENT, "POST", "/-/reload", null)).isNull();
        assertThat(p.check(CLIENT, "GET", "/api/v1/query", null)).isNull();
        assertThat(p.check(CLIENT, "POST", "/api/v1/write", null)).isNull();
    }

    @Test
    void eachEndpointClassTakesItsOwnCredentialAndHealthStaysOpen() {
        ApiSecurity.AccessPolicy p = policy(Map.of("SIGHTLINE_AUTH_QUERY_BEARER_TOKEN", "query-tok",
                "SIGHTLINE_AUTH_INGEST_BEARER_TOKEN", "ingest-tok", "SIGHTLINE_AUTH_ADMIN_BEARER_TOKEN", "admin-tok"));
        assertThat(p.check(CLIENT, "GET", "/-/healthy", null)).isNull();
        assertThat(p.check(CLIENT, "HEAD", "/-/ready", null)).isNull();
        assertThat(p.check(CLIENT, "GET", "/api/v1/query", "Bearer query-tok")).isNull();
        assertThat(p.check(CLIENT, "GET", "/api/v1/query", "Bearer ingest-tok").status()).isEqualTo(401);
        assertThat(p.check(CLIENT, "POST", "/api/v1/write", "Bearer ingest-tok")).isNull();
        assertThat(p.check(CLIENT, "POST", "/api/v1/otlp/v1/metrics", "Bearer query-tok").status()).isEqualTo(401);
        assertThat(p.check(CLIENT, "POST", "/-/reload", "Bearer query-tok").status()).isEqualTo(401);
        assertThat(p.check(CLIENT, "PUT", "/-/reload", "Bearer admin-tok")).isNull();
        assertThat(p.check(CLIENT, "DELETE", "/api/v2/silence/abc", "Bearer query-tok").status()).isEqualTo(401);
        assertThat(p.check(CLIENT, "DELETE", "/api/v2/silence/abc", "Bearer admin-tok")).isNull();
        assertThat(p.check(CLIENT, "GET", "/api/v2/silences", "Bearer query-tok")).isNull();
        assertThat(p.check(CLIENT, "POST", "/api/v1/admin/tsdb/delete_series", "Bearer query-tok").status()).isEqualTo(401);
        ApiSecurity.Refusal r = p.check(CLIENT, "GET", "/metrics", null);
        assertThat(r.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"sightline\"");
        assertThat(r.message()).doesNotContain("query-tok");
    }

    @Test
    void adminEndpointsStayShutWhenQueriesAreProtectedAndNoAdminCredentialIsSet() {
        ApiSecurity.AccessPolicy p = policy(Map.of("SIGHTLINE_AUTH_QUERY_BEARER_TOKEN", "query-tok"));
        assertThat(p.check(CLIENT, "POST", "/-/reload", "Bearer query-tok").status()).isEqualTo(401);
        assertThat(p.check(CLIENT, "GET", "/api/v1/query", "Bearer query-tok")).isNull();
    }

    @Test
    void ingestGateChecksTheIngestToken() {
        AccessControl ac = new AccessControl(ServerConfig.from(ConfigSource.empty(),
                Map.of("SIGHTLINE_AUTH_INGEST_BEARER_TOKEN", "ingest-tok")::get).security());
        assertThat(ac.ingest().gate().check(CLIENT, "Bearer ingest-tok")).isNull();
        assertThat(ac.ingest().gate().check(CLIENT, null).status()).isEqualTo(401);
        assertThat(ac.ingest().gate().check(CLIENT, null).headers()).containsKey("WWW-Authenticate");
    }

    private static ApiSecurity.AccessPolicy policy(Map<String, String> env) {
        return new AccessControl(ServerConfig.from(ConfigSource.empty(), env::get).security()).api().access();
    }
}
