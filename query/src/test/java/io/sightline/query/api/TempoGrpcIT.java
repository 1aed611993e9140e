package io.sightline.query.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.opentelemetry.api.OpenTelemetry;
import io.sightline.query.ApiConfig;
import io.sightline.query.ApiSecurity;
import io.sightline.query.ApiServer;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryEngines;
import io.sightline.query.TraceQueryConfig;
import io.sightline.query.TraceQueryEngine;
import io.sightline.storage.SpanAppender;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.sightline.query.api.GrpcTestClient.messages;
import static io.sightline.query.api.GrpcTestClient.string;
import static io.sightline.query.api.GrpcTestClient.strings;
import static io.sightline.query.api.GrpcTestClient.varint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Grafana's streaming Tempo API ({@code tempopb.StreamingQuerier} over gRPC on the HTTP API port) driven by a real
 * grpc-java client in cleartext HTTP/2 and over TLS with ALPN, with the requests Grafana's data source sends; the
 * answers are compared with the HTTP API's on the same port.
 */
class TempoGrpcIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final Path TLS = Path.of("src/test/resources/tempo/tls");
    private static final String TOKEN = "Bearer grpc-test-token";

    @TempDir
    static Path dir;
    private static Storage storage;
    private static TraceStore traces;
    private static ApiServer plain;
    private static ApiServer guarded;
    private static ApiServer tls;
    private static ManagedChannel plainChannel;
    private static ManagedChannel guardedChannel;
    private static ManagedChannel tlsChannel;
    private static final List<String> checkedPaths = new CopyOnWriteArrayList<>();
    private static long nowSec;
    private static final List<String> ids = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        storage = Storage.open(StorageConfig.defaults(dir.resolve("metrics")), OpenTelemetry.noop().getMeter("t"));
        traces = TraceStore.open(TraceStoreConfig.defaults(dir.resolve("traces")), OpenTelemetry.noop().getMeter("t"));
        nowSec = System.currentTimeMillis() / 1000;
        SpanAppender a = traces.appender();
        // Twelve traces 150 s apart over the last half hour: a search reads them in several growing windows.
        for (int k = 0; k < 12; k++) {
            String trace = String.format("%032x", 0xabc000L + k);
            ids.add(trace);
            long start = (nowSec - 150L * k) * S;
            int status = k % 4 == 0 ? Span.STATUS_ERROR : Span.STATUS_OK;
            a.append(new Span(trace, String.format("%016x", 0x100L + k), "", "", "GET /item", Span.KIND_SERVER, start,
                    start + (10 + k) * MS, status, "", Attributes.builder().putString("http.route", "/item")
                    .putLong("http.response.status_code", status == Span.STATUS_ERROR ? 500 : 200).build(),
                    Attributes.ofStrings("service.name", k % 2 == 0 ? "frontend" : "shop"), "grpc-test", "1",
                    List.of(), List.of()));
            a.commit();
        }
        TraceQueryEngine engine = TraceQueryEngine.create(traces, TraceQueryConfig.defaults());
        plain = start(ApiConfig.defaults().withListen("127.0.0.1", 0), ApiSecurity.none(), engine);
        ApiConfig small = ApiConfig.defaults();
        small = new ApiConfig("127.0.0.1", 0, 4096, small.maxHeaderBytes(), small.workerThreads(),
                small.workerQueueCapacity(), small.idleTimeoutMillis(), small.shutdownTimeoutMillis(),
                small.maxConnections(), small.query(), small.status());
        guarded = start(small, new ApiSecurity(null, (client, method, path, authorization) -> {
            checkedPaths.add(method + " " + path);
            return TOKEN.equals(authorization) ? null
                    : new ApiSecurity.Refusal(401, "authentication required", Map.of("WWW-Authenticate", "Bearer"));
        }, ApiSecurity.DEFAULT_READ_TIMEOUT_MILLIS), engine);
        tls = start(ApiConfig.defaults().withListen("127.0.0.1", 0),
                new ApiSecurity(new ApiSecurity.Tls(keys(), null), ApiSecurity.AccessPolicy.OPEN,
                        ApiSecurity.DEFAULT_READ_TIMEOUT_MILLIS), engine);
        plainChannel = Grpc.newChannelBuilderForAddress("127.0.0.1", plain.port(), InsecureChannelCredentials.create()).build();
        guardedChannel = Grpc.newChannelBuilderForAddress("127.0.0.1", guarded.port(), InsecureChannelCredentials.create()).build();
        tlsChannel = Grpc.newChannelBuilderForAddress("localhost", tls.port(), TlsChannelCredentials.newBuilder()
                .trustManager(TLS.resolve("api-cert.pem").toFile()).build()).build();
    }

    private static ApiServer start(ApiConfig config, ApiSecurity security, TraceQueryEngine engine) {
        return ApiServer.start(config, security,
                QueryEngines.promql(storage, QueryConfig.defaults(), OpenTelemetry.noop().getMeter("q")), storage,
                null, null, engine, traces, List.of(), OpenTelemetry.noop().getMeter("h"));
    }

    private static KeyManagerFactory keys() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(TLS.resolve("api.p12"))) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        return kmf;
    }

    @AfterAll
    static void stop() throws Exception {
        for (ManagedChannel c : List.of(plainChannel, guardedChannel, tlsChannel)) {
            c.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        for (ApiServer s : List.of(plain, guarded, tls)) {
            s.close();
        }
        traces.close();
        storage.close();
    }

    /** What Grafana sends: the TraceQL query, limit, spss and the time range in Unix seconds. */
    private static byte[] searchRequest(String q, int limit) {
        return new GrpcTestClient.Request().uint32(4, limit).uint32(5, nowSec - 3600).uint32(6, nowSec + 60)
                .string(8, q).uint32(9, 3).bytes();
    }

    private JsonNode httpSearch(String q, int limit) throws Exception {
        String url = "http://127.0.0.1:" + plain.port() + "/api/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
                + "&limit=" + limit + "&spss=3&start=" + (nowSec - 3600) + "&end=" + (nowSec + 60);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void searchStreamsTracesWindowByWindowThenAFinalMessageWithMetrics() throws Exception {
        String q = "{ span.http.route = \"/item\" }";
        List<UnknownFieldSet> stream = new GrpcTestClient(plainChannel).call("Search", searchRequest(q, 20));

        assertThat(stream).as("partial answers before the last").hasSizeGreaterThan(2);
        Set<String> streamed = new HashSet<>();
        for (int i = 0; i < stream.size(); i++) {
            UnknownFieldSet metrics = messages(stream.get(i), 2).getFirst();
            boolean isLast = i == stream.size() - 1;
            assertThat(varint(metrics, 4)).as("completedJobs of message " + i).isEqualTo(isLast ? 1 : 0);
            assertThat(varint(metrics, 5)).as("totalJobs").isEqualTo(1);
            for (UnknownFieldSet t : messages(stream.get(i), 1)) {
                assertThat(streamed.add(string(t, 1))).as("each trace is sent once").isTrue();
            }
        }
        assertThat(varint(messages(stream.getLast(), 2).getFirst(), 7)).as("inspectedSpans").isEqualTo(12);

        JsonNode http = httpSearch(q, 20);
        Set<String> httpIds = new HashSet<>();
        http.get("traces").forEach(t -> httpIds.add(t.get("traceID").asText()));
        assertThat(streamed).isEqualTo(httpIds).containsExactlyInAnyOrderElementsOf(ids);
        for (JsonNode h : http.get("traces")) {
            UnknownFieldSet g = stream.stream().flatMap(m -> messages(m, 1).stream())
                    .filter(t -> string(t, 1).equals(h.get("traceID").asText())).findFirst().orElseThrow();
            assertThat(string(g, 2)).isEqualTo(h.get("rootServiceName").asText());
            assertThat(string(g, 3)).isEqualTo(h.get("rootTraceName").asText());
            assertThat(varint(g, 4)).isEqualTo(h.get("startTimeUnixNano").asLong());
            assertThat(varint(g, 5)).isEqualTo(h.get("durationMs").asLong());
            UnknownFieldSet set = messages(g, 7).getFirst();
            assertThat(varint(set, 2)).as("matched").isEqualTo(h.get("spanSets").get(0).get("matched").asLong());
            UnknownFieldSet span = messages(set, 1).getFirst();
            JsonNode hs = h.get("spanSets").get(0).get("spans").get(0);
            assertThat(string(span, 1)).isEqualTo(hs.get("spanID").asText());
            assertThat(varint(span, 4)).isEqualTo(hs.get("durationNanos").asLong());
            assertThat(messages(span, 5)).extracting(kv -> string(kv, 1)).contains("service.name");
            assertThat(messages(g, 6)).as("the deprecated spanSet too").hasSize(1);
        }
    }

    @Test
    void searchHonoursTheLimitAndTheNewestTracesComeFirst() {
        List<UnknownFieldSet> stream = new GrpcTestClient(plainChannel).call("Search",
                searchRequest("{ status = error }", 2));
        List<String> found = stream.stream().flatMap(m -> messages(m, 1).stream()).map(t -> string(t, 1)).toList();
        assertThat(found).containsExactlyInAnyOrder(ids.get(0), ids.get(4));
    }

    @Test
    void searchByTagsAndDurationWithoutAQueryIsTheOldSearchForm() {
        byte[] req = new GrpcTestClient.Request().mapEntry(1, "service.name", "shop").uint32(2, 15).uint32(4, 20)
                .uint32(5, nowSec - 3600).uint32(6, nowSec + 60).bytes();
        List<String> found = new GrpcTestClient(plainChannel).call("Search", req).stream()
                .flatMap(m -> messages(m, 1).stream()).map(t -> string(t, 1)).toList();
        // shop: odd k; at least 15 ms: 10 + k >= 15.
        assertThat(found).containsExactlyInAnyOrder(ids.get(5), ids.get(7), ids.get(9), ids.get(11));
    }

    @Test
    void tagMethodsAnswerAsTheHttpApi() {
        GrpcTestClient c = new GrpcTestClient(plainChannel);
        byte[] range = new GrpcTestClient.Request().uint32(2, nowSec - 3600).uint32(3, nowSec + 60).bytes();
        assertThat(strings(c.call("SearchTags", range).getFirst(), 1))
                .containsExactly("http.response.status_code", "http.route", "service.name");

        List<UnknownFieldSet> scopes = messages(c.call("SearchTagsV2", range).getFirst(), 1);
        assertThat(scopes).extracting(s -> string(s, 1)).containsExactly("resource", "span", "intrinsic");
        assertThat(strings(scopes.get(0), 2)).containsExactly("service.name");
        assertThat(strings(scopes.get(1), 2)).containsExactly("http.response.status_code", "http.route");
        assertThat(strings(scopes.get(2), 2)).contains("duration", "status");

        byte[] service = new GrpcTestClient.Request().string(1, "resource.service.name").uint32(4, nowSec - 3600)
                .uint32(5, nowSec + 60).bytes();
        assertThat(strings(c.call("SearchTagValues", service).getFirst(), 1)).containsExactly("frontend", "shop");
        List<UnknownFieldSet> typed = messages(c.call("SearchTagValuesV2", new GrpcTestClient.Request()
                .string(1, "span.http.response.status_code").uint32(4, nowSec - 3600).uint32(5, nowSec + 60).bytes())
                .getFirst(), 1);
        assertThat(typed).extracting(v -> string(v, 1) + ":" + string(v, 2)).containsExactly("int:200", "int:500");

        byte[] filtered = new GrpcTestClient.Request().string(1, "resource.service.name")
                .string(2, "{ status = error }").uint32(4, nowSec - 3600).uint32(5, nowSec + 60).bytes();
        assertThat(strings(c.call("SearchTagValues", filtered).getFirst(), 1)).containsExactly("frontend");
    }

    @Test
    void aBadQueryIsInvalidArgumentNamingThePosition() {
        assertThatThrownBy(() -> new GrpcTestClient(plainChannel).call("Search", searchRequest("{ span.x = }", 20)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("parse error");
                });
    }

    @Test
    void unknownMethodsAreUnimplemented() {
        assertThatThrownBy(() -> new GrpcTestClient(plainChannel).call("Nope", new byte[0]))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
                    assertThat(e.getStatus().getDescription()).contains("/tempopb.StreamingQuerier/Search");
                });
    }

    @Test
    void metricsQueryRangeOverGrpcEqualsTheHttpApi() throws Exception {
        String q = "{ span.http.route = \"/item\" } | count_over_time() by (resource.service.name) with(sample=true)";
        long start = (nowSec - 3600) * S;
        long end = (nowSec + 60) * S;
        long step = 300 * S;
        // What Grafana sends: query = 1, start = 2, end = 3 (Unix nanoseconds), step = 4 (nanoseconds).
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        var coded = com.google.protobuf.CodedOutputStream.newInstance(bytes);
        coded.writeString(1, q);
        coded.writeUInt64(2, start);
        coded.writeUInt64(3, end);
        coded.writeUInt64(4, step);
        coded.flush();
        List<UnknownFieldSet> stream = new GrpcTestClient(plainChannel).call("MetricsQueryRange", bytes.toByteArray());
        assertThat(stream).hasSize(1);
        List<UnknownFieldSet> series = messages(stream.getFirst(), 1);

        String url = "http://127.0.0.1:" + plain.port() + "/api/metrics/query_range?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
                + "&start=" + start + "&end=" + end + "&step=300s";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode http = JSON.readTree(r.body()).get("series");
        assertThat(series).hasSize(http.size()).hasSize(2);
        long total = 0;
        for (int i = 0; i < series.size(); i++) {
            UnknownFieldSet g = series.get(i);
            JsonNode h = http.get(i);
            UnknownFieldSet label = messages(g, 1).getFirst();
            assertThat(string(label, 1)).isEqualTo("resource.service.name").isEqualTo(h.get("labels").get(0).get("key").asText());
            assertThat(string(messages(label, 2).getFirst(), 1)).isEqualTo(h.get("labels").get(0).get("value").get("stringValue").asText());
            assertThat(string(g, 3)).isEqualTo(h.get("promLabels").asText());
            List<UnknownFieldSet> samples = messages(g, 2);
            assertThat(samples).hasSize(h.get("samples").size());
            for (int j = 0; j < samples.size(); j++) {
                double v = Double.longBitsToDouble(samples.get(j).getField(1).getFixed64List().getFirst());
                assertThat(v).isEqualTo(h.get("samples").get(j).get("value").asDouble());
                assertThat(varint(samples.get(j), 2)).isEqualTo(h.get("samples").get(j).get("timestampMs").asLong());
                total += (long) v;
            }
        }
        assertThat(total).as("every matching span counted once").isEqualTo(12);
    }

    @Test
    void metricsQueryInstantOverGrpcEqualsTheHttpApi() throws Exception {
        String q = "{ } | count_over_time() by (resource.service.name)";
        long start = (nowSec - 3600) * S;
        long end = (nowSec + 60) * S;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        var coded = com.google.protobuf.CodedOutputStream.newInstance(bytes);
        coded.writeString(1, q);
        coded.writeUInt64(2, start);
        coded.writeUInt64(3, end);
        coded.flush();
        List<UnknownFieldSet> series = messages(new GrpcTestClient(plainChannel).call("MetricsQueryInstant",
                bytes.toByteArray()).getFirst(), 1);
        String url = "http://127.0.0.1:" + plain.port() + "/api/metrics/query?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
                + "&start=" + start + "&end=" + end;
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode http = JSON.readTree(r.body()).get("series");
        List<String> grpcSeries = series.stream().map(s -> string(s, 3) + "="
                + Double.longBitsToDouble(s.getField(2).getFixed64List().getFirst())).toList();
        List<String> httpSeries = new ArrayList<>();
        http.forEach(h -> httpSeries.add(h.get("promLabels").asText() + "=" + h.get("value").asDouble()));
        assertThat(grpcSeries).isEqualTo(httpSeries)
                .containsExactly("{resource.service.name=\"frontend\"}=6.0", "{resource.service.name=\"shop\"}=6.0");
    }

    @Test
    void theQueryCredentialIsCheckedAsForHttp() {
        assertThatThrownBy(() -> new GrpcTestClient(guardedChannel).call("Search", searchRequest("{ }", 20)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThatThrownBy(() -> new GrpcTestClient(guardedChannel).withAuthorization("Bearer wrong")
                .call("Search", searchRequest("{ }", 20)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        List<UnknownFieldSet> ok = new GrpcTestClient(guardedChannel).withAuthorization(TOKEN)
                .call("Search", searchRequest("{ }", 20));
        assertThat(ok.stream().mapToInt(m -> messages(m, 1).size()).sum()).isEqualTo(12);
        assertThat(checkedPaths).contains("POST /tempopb.StreamingQuerier/Search");
    }

    @Test
    void aRequestPastTheBodyLimitIsResourceExhausted() {
        String huge = "{ span.http.route = \"" + "x".repeat(5000) + "\" }";
        assertThatThrownBy(() -> new GrpcTestClient(guardedChannel).withAuthorization(TOKEN)
                .call("Search", searchRequest(huge, 20)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).contains("http.max_body_bytes=4096");
                });
    }

    @Test
    void overTlsGrpcNegotiatesHttp2AndOtherClientsKeepHttp11() throws Exception {
        List<UnknownFieldSet> stream = new GrpcTestClient(tlsChannel).call("Search", searchRequest("{ status = error }", 20));
        assertThat(stream.stream().flatMap(m -> messages(m, 1).stream()).map(t -> string(t, 1)))
                .containsExactlyInAnyOrder(ids.get(0), ids.get(4), ids.get(8));

        // An HTTP client that prefers HTTP/2 is answered over HTTP/1.1 on the same port.
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(TLS.resolve("api-cert.pem"))) {
            trust.setCertificateEntry("api", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        try (HttpClient https = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_2).build()) {
            HttpResponse<String> echo = https.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + tls.port() + "/api/echo")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(echo.statusCode()).isEqualTo(200);
            assertThat(echo.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        }
    }
}
