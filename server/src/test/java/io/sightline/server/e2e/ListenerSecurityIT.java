package io.sightline.server.e2e;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.sightline.server.Sightline;
import io.sightline.server.security.TestCertificates;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One Sightline with TLS on all three listeners (test CA made at run time), client certificates required on
 * OTLP/HTTP, a bearer token for ingest, bcrypt basic auth for queries and a separate admin token. Real clients:
 * the JDK HttpClient and the OpenTelemetry SDK's gRPC exporter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListenerSecurityIT {
    private static final String INGEST_TOKEN = "ingest-secret-0123456789";
    private static final String ADMIN_TOKEN = "admin-secret-9876543210";
    private static final String READER_PASSWORD = "reader-pass";

    @TempDir
    static Path dir;
    private TestCertificates certs;
    private Sightline sightline;
    private HttpClient tlsClient;
    private String readerAuth;

    @BeforeAll
    void start() throws Exception {
        certs = new TestCertificates(Files.createDirectories(dir.resolve("pki")));
        Path ingestToken = Files.writeString(dir.resolve("ingest.token"), INGEST_TOKEN + "\n");
        Path adminToken = Files.writeString(dir.resolve("admin.token"), ADMIN_TOKEN);
        String hash = OpenBSDBCrypt.generate("2y", READER_PASSWORD.toCharArray(), new byte[16], 4);
        sightline = TestServer.start(dir.resolve("data"),
                "tls.cert_file", certs.serverCert.toString(),
                "tls.key_file", certs.serverKey.toString(),
                "otlp.http_tls.client_ca_file", certs.caCert.toString(),
                "auth.ingest.bearer_token_file", ingestToken.toString(),
                "auth.query.basic_auth_users.reader", hash,
                "auth.admin.bearer_token_file", adminToken.toString(),
                "self_monitoring.interval", "0");
        tlsClient = client(certs.clientContext());
        readerAuth = "Basic " + Base64.getEncoder().encodeToString(("reader:" + READER_PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    void stop() {
        if (sightline != null) {
            sightline.close();
        }
    }

    @Test
    void apiHandshakesWithTheTestCaAndRefusesAPlainHttpClient() throws Exception {
        HttpResponse<String> ready = tlsClient.send(get(api("/-/ready"), null), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);

        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI plainUri = URI.create("http://127.0.0.1:" + sightline.httpPort() + "/-/ready");
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(plainUri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    @Test
    void queriesWithoutOrWithWrongCredentialsGet401AndAChallengeThatRevealsNothing() throws Exception {
        for (String auth : new String[]{null, "Basic " + Base64.getEncoder().encodeToString("reader:wrong".getBytes(StandardCharsets.UTF_8)),
                "Basic " + Base64.getEncoder().encodeToString("nobody:reader-pass".getBytes(StandardCharsets.UTF_8)),
                "Bearer " + INGEST_TOKEN, "Basic !!!not-base64"}) {
            HttpResponse<String> r = tlsClient.send(get(api("/api/v1/query?query=up"), auth), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("Authorization: %s", auth).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
            assertThat(r.body()).doesNotContain("reader").doesNotContain("$2y$").doesNotContain(INGEST_TOKEN);
        }
        HttpResponse<String> ok = tlsClient.send(get(api("/api/v1/query?query=vector(1)"), readerAuth), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void healthAndReadinessStayOpenWhileMetricsNeedCredentials() throws Exception {
        assertThat(tlsClient.send(get(api("/-/healthy"), null), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(tlsClient.send(get(api("/metrics"), null), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(tlsClient.send(get(api("/metrics"), readerAuth), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void adminEndpointsNeedTheAdminCredential() throws Exception {
        HttpRequest.Builder reload = HttpRequest.newBuilder(api("/-/reload")).POST(HttpRequest.BodyPublishers.noBody());
        assertThat(tlsClient.send(reload.copy().header("Authorization", readerAuth).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(tlsClient.send(reload.copy().header("Authorization", "Bearer " + ADMIN_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        // Reading silences is a query; creating one is admin.
        assertThat(tlsClient.send(get(api("/api/v2/silences"), readerAuth), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
        HttpRequest create = HttpRequest.newBuilder(api("/api/v2/silences")).header("Authorization", readerAuth)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        assertThat(tlsClient.send(create, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }

    @Test
    void grpcExportNeedsTheIngestTokenAndARefusedExportStoresNothing() throws Exception {
        assertThat(exportOverGrpc("grpc_refused_metric", "Bearer wrong-token")).isFalse();
        assertThat(exportOverGrpc("grpc_refused_metric", null)).isFalse();
        assertThat(exportOverGrpc("grpc_accepted_metric", "Bearer " + INGEST_TOKEN)).isTrue();

        assertThat(seriesCount("grpc_accepted_metric")).isEqualTo(1);
        assertThat(seriesCount("grpc_refused_metric")).isZero();
    }

    @Test
    void otlpHttpRequiresAClientCertificateFromTheConfiguredCa() throws Exception {
        byte[] body = otlpGauge("mtls_metric").toByteArray();
        assertThatThrownBy(() -> postOtlp(tlsClient, body, "Bearer " + INGEST_TOKEN)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> postOtlp(client(certs.strangerContext()), body, "Bearer " + INGEST_TOKEN))
                .isInstanceOf(IOException.class);

        HttpClient mutual = client(certs.mutualContext());
        HttpResponse<String> noToken = postOtlp(mutual, body, null);
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"sightline\"");
        assertThat(seriesCount("mtls_metric")).isZero();

        assertThat(postOtlp(mutual, body, "Bearer " + INGEST_TOKEN).statusCode()).isEqualTo(200);
        assertThat(seriesCount("mtls_metric")).isEqualTo(1);
    }

    @Test
    void writesOnTheApiPortNeedTheIngestCredentialNotTheQueryOne() throws Exception {
        byte[] body = otlpGauge("api_port_metric").toByteArray();
        HttpRequest.Builder post = HttpRequest.newBuilder(api("/api/v1/otlp/v1/metrics"))
                .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        assertThat(tlsClient.send(post.copy().header("Authorization", readerAuth).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(seriesCount("api_port_metric")).isZero();
        assertThat(tlsClient.send(post.copy().header("Authorization", "Bearer " + INGEST_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(seriesCount("api_port_metric")).isEqualTo(1);
    }

    private boolean exportOverGrpc(String metric, String authorization) throws IOException {
        var builder = OtlpGrpcMetricExporter.builder()
                .setEndpoint("https://127.0.0.1:" + sightline.otlpGrpcPort())
                .setTrustedCertificates(Files.readAllBytes(certs.caCert))
                .setTimeout(Duration.ofSeconds(10));
        if (authorization != null) {
            builder.addHeader("Authorization", authorization);
        }
        try (SdkMeterProvider provider = SdkMeterProvider.builder()
                .registerMetricReader(PeriodicMetricReader.builder(builder.build()).setInterval(Duration.ofHours(1)).build())
                .build()) {
            provider.get("test").counterBuilder(metric).build().add(3, Attributes.empty());
            return provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess();
        }
    }

    private int seriesCount(String metric) throws Exception {
        HttpResponse<String> r = tlsClient.send(get(api("/api/v1/series?match[]=" + URLEncoder.encode("{__name__=~\"" + metric + ".*\"}",
                StandardCharsets.UTF_8)), readerAuth), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body().split("\"__name__\"", -1).length - 1;
    }

    private HttpResponse<String> postOtlp(HttpClient client, byte[] body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + sightline.otlpHttpPort() + "/v1/metrics"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static ExportMetricsServiceRequest otlpGauge(String name) {
        long now = System.currentTimeMillis() * 1_000_000L;
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                        .setValue(AnyValue.newBuilder().setStringValue("security-test"))))
                .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName(name)
                        .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
                                .setTimeUnixNano(now).setAsDouble(1)))))).build();
    }

    private URI api(String pathAndQuery) {
        return URI.create("https://127.0.0.1:" + sightline.httpPort() + pathAndQuery);
    }

    private static HttpRequest get(URI uri, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b.build();
    }

    static HttpClient client(SSLContext ssl) {
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    }
}
