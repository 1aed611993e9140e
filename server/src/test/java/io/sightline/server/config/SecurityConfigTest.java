package io.sightline.server.config;

import io.sightline.server.security.TestCertificates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecurityConfigTest {
    @TempDir
    Path dir;
    private TestCertificates certs;

    @BeforeEach
    void pki() throws Exception {
        certs = new TestCertificates(dir);
    }

    @Test
    void plainAndOpenByDefault() {
        SecurityConfig s = ServerConfig.from(ConfigSource.empty(), k -> null).security();
        assertThat(s.grpcTls()).isNull();
        assertThat(s.otlpHttpTls()).isNull();
        assertThat(s.apiTls()).isNull();
        assertThat(s.ingest().isConfigured()).isFalse();
        assertThat(s.query().isConfigured()).isFalse();
        assertThat(s.ingestRate().isEnabled()).isFalse();
    }

    @Test
    void topLevelTlsAppliesToEveryListenerAndClientCaOnlyToIngest() throws Exception {
        SecurityConfig s = load("""
                tls:
                  cert_file: server.pem
                  key_file: server-key.pem
                  client_ca_file: ca.pem
                """).security();
        assertThat(s.grpcTls()).isNotNull();
        assertThat(s.grpcTls().clientCa()).isNotNull();
        assertThat(s.otlpHttpTls().clientCa()).isNotNull();
        assertThat(s.apiTls()).isNotNull();
        assertThat(s.apiTls().clientCa()).isNull();
    }

    @Test
    void aListenerCanHaveTlsAlone() throws Exception {
        SecurityConfig s = load("""
                http:
                  tls:
                    cert_file: server.pem
                    key_file: server-key.pem
                """).security();
        assertThat(s.apiTls()).isNotNull();
        assertThat(s.grpcTls()).isNull();
        assertThat(s.otlpHttpTls()).isNull();
    }

    @Test
    void aCertificateWithoutAKeyNamesBothKeys() {
        assertThatThrownBy(() -> load("tls:\n  cert_file: server.pem\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cert_file").hasMessageContaining("key_file");
    }

    @Test
    void aMissingFileNamesTheKeyAndTheFile() {
        assertThatThrownBy(() -> load("tls:\n  cert_file: nope.pem\n  key_file: server-key.pem\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("otlp.grpc_tls.cert_file").hasMessageContaining("nope.pem");
    }

    @Test
    void aPkcs1KeySaysHowToConvertIt() throws Exception {
        Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> load("tls:\n  cert_file: server.pem\n  key_file: rsa.pem\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        assertThatThrownBy(() -> load("tls:\n  cert_file: server.pem\n  key_file: client-key.pem\n"))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void bearerTokensComeFromFilesRelativeToTheConfigOrFromTheEnvironment() throws Exception {
        Files.writeString(dir.resolve("ingest.token"), "file-token\n");
        SecurityConfig s = ServerConfig.from(ConfigSource.fromYaml(write("auth:\n  ingest:\n    bearer_token_file: ingest.token\n")),
                Map.of("SIGHTLINE_AUTH_QUERY_BEARER_TOKEN", "env-token", "SIGHTLINE_AUTH_INGEST_BEARER_TOKEN", "ignored")::get)
                .security();
        assertThat(s.ingest().accepts("Bearer file-token")).isTrue();
        assertThat(s.ingest().accepts("Bearer ignored")).isFalse();
        assertThat(s.query().accepts("Bearer env-token")).isTrue();
        assertThat(s.toString()).doesNotContain("file-token").doesNotContain("env-token");
    }

    @Test
    void anEmptyTokenFileIsAnError() throws Exception {
        Files.writeString(dir.resolve("empty.token"), "\n");
        assertThatThrownBy(() -> load("auth:\n  query:\n    bearer_token_file: empty.token\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.query.bearer_token_file").hasMessageContaining("empty");
    }

    @Test
    void limitsAreValidatedWithTheirKeys() {
        assertThatThrownBy(() -> load("ingest:\n  max_connections: 0\n")).hasMessageContaining("ingest.max_connections");
        assertThatThrownBy(() -> load("ingest:\n  rate_limit:\n    requests_per_second: -1\n"))
                .hasMessageContaining("ingest.rate_limit.requests_per_second");
        assertThatThrownBy(() -> load("self_monitoring:\n  interval: 10ms\n")).hasMessageContaining("self_monitoring.interval");
        assertThatThrownBy(() -> load("log:\n  format: xml\n")).hasMessageContaining("log.format");
    }

    private ServerConfig load(String yaml) throws Exception {
        return ServerConfig.from(ConfigSource.fromYaml(write(yaml)), k -> null);
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("sightline.yml"), yaml);
    }
}
