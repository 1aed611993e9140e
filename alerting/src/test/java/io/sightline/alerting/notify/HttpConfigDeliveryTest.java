package io.sightline.alerting.notify;

import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.sightline.alerting.state.Alert;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code http_config} against real HTTP and HTTPS receivers: authorization, headers, TLS trust, proxy. */
class HttpConfigDeliveryTest {
    private static final long T0 = 1_800_000_000_000L;

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final SdkMeterProvider meterProvider = SdkMeterProvider.builder().registerMetricReader(metrics).build();

    @AfterEach
    void stop() {
        meterProvider.close();
    }

    /** Loads {@code yaml}, fires one alert and flushes its group; the caller awaits delivery. */
    private Notifier notifyOnce(String yaml) throws Exception {
        Path cfg = Files.writeString(dir.resolve("alertmanager.yml"), yaml);
        Notifier n = new Notifier(new Notifier.Settings(dir.resolve("state"), "http://sightline:9090", 1000, 20, 100),
                clock, meterProvider.get("test"));
        n.configure(new NotifyConfigParser(k -> k.equals("TOKEN") ? "from-env" : null, "http://sightline:9090", 5_000).parse(cfg));
        n.send(List.of(new Alert(Labels.of("alertname", "HighLatency", "service", "checkout"), Map.of(), T0,
                T0 + 240_000, "", 1.5)));
        clock.advance(10_000);
        n.tick();
        return n;
    }

    private static String route() {
        return """
                route: {receiver: r, group_by: [alertname], group_wait: 10s}
                """;
    }

    @Test
    void sendsBearerCredentialsFromAFileAndCustomHeaders() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "s3cr3t\n");
        try (TestReceiver receiver = new TestReceiver();
             Notifier n = notifyOnce(route() + """
                     receivers:
                       - name: r
                         webhook_configs:
                           - url: %s
                             http_config:
                               authorization: {credentials_file: %s}
                               http_headers:
                                 X-Team: {values: [payments]}
                                 X-Key: {secrets: ['${TOKEN}']}
                     """.formatted(receiver.url("/hook"), token))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> n.pendingCount() == 0);
            Map<String, String> h = receiver.delivered().getFirst().headers();
            assertThat(h).containsEntry("authorization", "Bearer s3cr3t").containsEntry("x-team", "payments")
                    .containsEntry("x-key", "from-env");
        }
    }

    @Test
    void sendsBasicAuthAndTheLegacyBearerToken() throws Exception {
        try (TestReceiver basic = new TestReceiver(); TestReceiver bearer = new TestReceiver();
             Notifier n = notifyOnce(route() + """
                     receivers:
                       - name: r
                         webhook_configs:
                           - url: %s
                             http_config: {basic_auth: {username: am, password: pw}}
                           - url: %s
                             http_config: {bearer_token: legacy}
                     """.formatted(basic.url("/hook"), bearer.url("/hook")))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> n.pendingCount() == 0);
            assertThat(basic.delivered().getFirst().headers().get("authorization")).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("am:pw".getBytes(StandardCharsets.UTF_8)));
            assertThat(bearer.delivered().getFirst().headers().get("authorization")).isEqualTo("Bearer legacy");
        }
    }

    @Test
    void receiversWithoutHttpConfigInheritTheGlobalOne() throws Exception {
        try (TestReceiver receiver = new TestReceiver();
             Notifier n = notifyOnce("""
                     global:
                       http_config: {authorization: {type: Token, credentials: abc}}
                     """ + route() + """
                     receivers:
                       - name: r
                         slack_configs: [{api_url: %s, channel: '#ops'}]
                     """.formatted(receiver.url("/slack")))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> n.pendingCount() == 0);
            assertThat(receiver.delivered().getFirst().headers()).containsEntry("authorization", "Token abc");
        }
    }

    @Test
    void trustsAnHttpsReceiverThroughCaFileOrInsecureSkipVerifyAndNotOtherwise() throws Exception {
        try (TestReceiver tls = TestReceiver.https();
             Notifier n = notifyOnce(route() + """
                     receivers:
                       - name: r
                         webhook_configs:
                           - url: %s
                             http_config: {tls_config: {ca_file: %s}}
                           - url: %s
                             http_config: {tls_config: {insecure_skip_verify: true}}
                           - url: %s
                     """.formatted(tls.url("/ca"), TestReceiver.TLS_DIR.resolve("receiver-ca.pem").toAbsolutePath(),
                     tls.url("/insecure"), tls.url("/untrusted")))) {
            // the third entry's certificate is not trusted: the handshake fails, it stays pending and is retried
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> tls.delivered().size() == 2 && failedCount() > 0 && n.pendingCount() == 1);
            assertThat(tls.requests()).extracting(TestReceiver.Request::path).containsExactlyInAnyOrder("/ca", "/insecure");
        }
    }

    @Test
    void presentsTheClientCertificateAReceiverRequires() throws Exception {
        Path tlsDir = TestReceiver.TLS_DIR.toAbsolutePath();
        try (TestReceiver mtls = TestReceiver.httpsRequiringClientCertificate();
             Notifier n = notifyOnce(route() + """
                     receivers:
                       - name: r
                         webhook_configs:
                           - url: %s
                             http_config:
                               tls_config: {ca_file: %s, cert_file: %s, key_file: %s}
                           - url: %s
                             http_config:
                               tls_config: {ca_file: %s}
                     """.formatted(mtls.url("/with-cert"), tlsDir.resolve("receiver-ca.pem"), tlsDir.resolve("client-cert.pem"),
                     tlsDir.resolve("client-key.pem"), mtls.url("/without-cert"), tlsDir.resolve("receiver-ca.pem")))) {
            // without a certificate the handshake is refused: that one stays pending and is retried
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> mtls.delivered().size() == 1 && failedCount() > 0 && n.pendingCount() == 1);
            assertThat(mtls.requests()).extracting(TestReceiver.Request::path).containsExactly("/with-cert");
        }
    }

    @Test
    void sendsThroughTheProxyExceptForNoProxyHosts() throws Exception {
        try (TestReceiver proxy = new TestReceiver(); TestReceiver direct = new TestReceiver();
             Notifier n = notifyOnce(route() + """
                     receivers:
                       - name: r
                         webhook_configs:
                           - url: http://hooks.example.invalid/alert
                             http_config: {proxy_url: %s}
                           - url: %s
                             http_config: {proxy_url: %s, no_proxy: 127.0.0.1}
                     """.formatted(proxy.url(""), direct.url("/direct"), proxy.url("")))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> n.pendingCount() == 0);
            assertThat(proxy.delivered()).extracting(TestReceiver.Request::uri)
                    .containsExactly("http://hooks.example.invalid/alert");
            assertThat(direct.delivered()).extracting(TestReceiver.Request::uri).containsExactly("/direct");
        }
    }

    @Test
    void badHttpConfigStopsTheLoadNamingTheKey() throws Exception {
        Path cfg = Files.writeString(dir.resolve("bad.yml"), route() + """
                receivers:
                  - name: r
                    webhook_configs:
                      - url: http://h/x
                        http_config: {tls_config: {ca_file: /nonexistent/ca.pem}}
                """);
        assertThatThrownBy(() -> new NotifyConfigParser(k -> null, "", 5_000).parse(cfg))
                .hasMessageContaining("receivers[0].webhook_configs[0].http_config.tls_config: ")
                .hasMessageContaining("/nonexistent/ca.pem");
        Files.writeString(cfg, route() + """
                receivers:
                  - name: r
                    webhook_configs:
                      - url: http://h/x
                        http_config: {basic_auth: {username: a}, authorization: {credentials: b}}
                """);
        assertThatThrownBy(() -> new NotifyConfigParser(k -> null, "", 5_000).parse(cfg))
                .hasMessageContaining("at most one of basic_auth, authorization and bearer_token");
    }

    private long failedCount() {
        return TestMetrics.sum(metrics, "sightline_alerting_notifications_failed_total");
    }
}
