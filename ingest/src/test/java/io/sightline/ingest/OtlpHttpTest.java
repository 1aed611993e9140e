package io.sightline.ingest;

import com.google.rpc.Code;
import com.google.rpc.Status;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.sightline.storage.Appendable;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** OTLP/HTTP on a real port, backed by the real storage. */
class OtlpHttpTest {
    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON = "application/json";

    @TempDir
    Path dataDir;
    private IngestFixture fixture;
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
        client.close();
    }

    private HttpResponse<byte[]> post(String path, String contentType, String encoding, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixture.service.httpPort() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (encoding != null) {
            b.header("Content-Encoding", encoding);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private void start() throws IOException {
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig());
    }

    @Test
    void storesAProtobufRequestAndAnswersWithAnEmptyProtobufResponse() throws Exception {
        start();
        HttpResponse<byte[]> r = post("/v1/metrics", PROTOBUF, null, Requests.counter("orders", 3, 4).toByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(PROTOBUF);
        assertThat(ExportMetricsServiceResponse.parseFrom(r.body()).hasPartialSuccess()).isFalse();
        assertThat(StoredSeries.values(fixture.storage, "__name__", "orders_total", "job", "svc", "instance", "i-1", "k", "0")).containsExactly(3.0);
        assertThat(StoredSeries.values(fixture.storage, "__name__", "orders_total", "job", "svc", "instance", "i-1", "k", "1")).containsExactly(4.0);
        assertThat(fixture.counter("sightline_ingest_samples_accepted_total", null)).isEqualTo(2);
        assertThat(fixture.counter("sightline_ingest_requests_total", "200")).isEqualTo(1);
        assertThat(fixture.storage.metadata("orders_total", 0).get("orders_total").get(0).type()).isEqualTo("counter");
    }

    @Test
    void everyAnswerCarriesItsOwnRequestId() throws Exception {
        start();
        HttpResponse<byte[]> ok = post("/v1/metrics", PROTOBUF, null, Requests.counter("orders", 1).toByteArray());
        HttpResponse<byte[]> bad = post("/v1/metrics", PROTOBUF, null, new byte[] {(byte) 0xff, 1, 2});
        HttpResponse<byte[]> missing = post("/v1/nothing", PROTOBUF, null, new byte[0]);

        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(missing.statusCode()).isEqualTo(404);
        List<String> ids = java.util.stream.Stream.of(ok, bad, missing)
                .map(r -> r.headers().firstValue("X-Request-Id").orElse("")).toList();
        assertThat(ids).allMatch(id -> id.matches("[0-9a-f]{16}")).doesNotHaveDuplicates();
    }

    @Test
    void acceptsTheReferenceOtlpJsonExampleAndAnswersInJson() throws Exception {
        start();
        byte[] json = Files.readAllBytes(Reference.file("otlp-examples/metrics.json"));
        HttpResponse<byte[]> r = post("/v1/metrics", JSON + "; charset=utf-8", null, json);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(JSON);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
        var s = fixture.storage;
        assertThat(StoredSeries.values(s, "__name__", "my_gauge_ratio", "job", "my.service", "my_gauge_attr", "some value")).containsExactly(10.0);
        assertThat(StoredSeries.values(s, "__name__", "my_counter_total", "job", "my.service", "my_counter_attr", "some value")).containsExactly(5.0);
        String h = "my_histogram_attr";
        assertThat(StoredSeries.values(s, "__name__", "my_histogram_bucket", "job", "my.service", h, "some value", "le", "1")).containsExactly(1.0);
        assertThat(StoredSeries.values(s, "__name__", "my_histogram_bucket", "job", "my.service", h, "some value", "le", "+Inf")).containsExactly(2.0);
        assertThat(StoredSeries.values(s, "__name__", "my_histogram_count", "job", "my.service", h, "some value")).containsExactly(2.0);
        assertThat(StoredSeries.values(s, "__name__", "my_histogram_sum", "job", "my.service", h, "some value")).containsExactly(2.0);
        String e = "my_exponential_histogram_attr";
        assertThat(StoredSeries.values(s, "__name__", "my_exponential_histogram_count", "job", "my.service", e, "some value")).containsExactly(3.0);
        assertThat(StoredSeries.values(s, "__name__", "my_exponential_histogram_bucket", "job", "my.service", e, "some value", "le", "+Inf")).containsExactly(3.0);
        assertThat(StoredSeries.read(s, io.sightline.storage.model.Matcher.eq("__name__", "target_info"))).isEmpty();
    }

    @Test
    void jsonWithHexExemplarIdsEnumNamesAndUnknownFieldsIsAccepted() throws Exception {
        start();
        long now = Requests.nowNanos();
        String json = """
                {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"js"}}]},
                 "futureField":{"x":1},
                 "scopeMetrics":[{"metrics":[{"name":"clicks","sum":{"aggregationTemporality":"AGGREGATION_TEMPORALITY_CUMULATIVE",
                  "isMonotonic":true,"dataPoints":[{"asInt":"42","timeUnixNano":"%d","unknownPointField":true,
                  "exemplars":[{"asDouble":1,"timeUnixNano":"%d","traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174"}]}]}}]}]}]}
                """.formatted(now, now);
        HttpResponse<byte[]> r = post("/v1/metrics", JSON, null, json.getBytes(StandardCharsets.UTF_8));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(StoredSeries.values(fixture.storage, "__name__", "clicks_total", "job", "js")).containsExactly(42.0);
        assertThat(fixture.counter("sightline_ingest_exemplars_dropped_total", null)).isEqualTo(1);
    }

    @Test
    void gzipBodiesAreDecompressed() throws Exception {
        start();
        HttpResponse<byte[]> r = post("/v1/metrics", PROTOBUF, "gzip", io.sightline.ingest.limit.BoundedGzipTest.gzip(Requests.counter("zipped", 1).toByteArray()));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(StoredSeries.values(fixture.storage, "__name__", "zipped_total", "job", "svc", "instance", "i-1", "k", "0")).containsExactly(1.0);
    }

    @Test
    void malformedProtobufIsRefusedWith400AndNothingIsStored() throws Exception {
        start();
        byte[] good = Requests.counter("orders", 1).toByteArray();
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        HttpResponse<byte[]> r = post("/v1/metrics", PROTOBUF, null, truncated);

        assertThat(r.statusCode()).isEqualTo(400);
        Status status = Status.parseFrom(r.body());
        assertThat(status.getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
        assertThat(status.getMessage()).startsWith("cannot decode OTLP protobuf ExportMetricsServiceRequest");
        assertThat(StoredSeries.all(fixture.storage)).isEmpty();
    }

    @Test
    void malformedJsonIsRefusedWith400InJsonAndNothingIsStored() throws Exception {
        start();
        String broken = "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"x\",\"gauge\":{\"dataPoints\":[{\"asDouble\":1,";
        HttpResponse<byte[]> r = post("/v1/metrics", JSON, null, broken.getBytes(StandardCharsets.UTF_8));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(JSON);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"code\":3").contains("cannot decode OTLP/JSON");
        assertThat(StoredSeries.all(fixture.storage)).isEmpty();
    }

    @Test
    void mixOfGoodAndBadPointsIsReportedAsPartialSuccess() throws Exception {
        start();
        HttpResponse<byte[]> r = post("/v1/metrics", PROTOBUF, null, Requests.mixedGauge("temp").toByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        var partial = ExportMetricsServiceResponse.parseFrom(r.body()).getPartialSuccess();
        assertThat(partial.getRejectedDataPoints()).isEqualTo(2);
        assertThat(partial.getErrorMessage()).contains("metric \"temp\"").contains("time_unix_nano is missing").contains("1 more");
        assertThat(StoredSeries.read(fixture.storage, io.sightline.storage.model.Matcher.eq("__name__", "temp")).keySet())
                .extracting(l -> l.get("p")).containsExactly("good");
        assertThat(fixture.counter("sightline_ingest_samples_rejected_total", "invalid_timestamp")).isEqualTo(2);
    }

    @Test
    void gzipBombIsStoppedAtTheLimitWith413() throws Exception {
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig().withLimits(1 << 20, 64, 256, 4096));
        byte[] bomb = io.sightline.ingest.limit.BoundedGzipTest.gzip(new byte[64 << 20]);
        HttpResponse<byte[]> r = post("/v1/metrics", PROTOBUF, "gzip", bomb);

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(Status.parseFrom(r.body()).getMessage()).contains("1048576 bytes (ingest.max_request_bytes)");
        assertThat(StoredSeries.all(fixture.storage)).isEmpty();
    }

    @Test
    void bodyOverTheLimitBeforeDecompressionGets413() throws Exception {
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig().withLimits(4096, 64, 256, 4096));
        HttpResponse<byte[]> r = post("/v1/metrics", JSON, null, new byte[10_000]);

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("4096 bytes (ingest.max_request_bytes)");
    }

    @Test
    void otherContentTypesGet415() throws Exception {
        start();
        HttpResponse<byte[]> r = post("/v1/metrics", "text/plain", null, "up 1".getBytes(StandardCharsets.UTF_8));

        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("unsupported Content-Type \\\"text/plain\\\"");
    }

    @Test
    void otherPathsGet404AndOtherMethodsGet405() throws Exception {
        start();
        assertThat(post("/v1/logs", PROTOBUF, null, new byte[0]).statusCode()).isEqualTo(404);
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + fixture.service.httpPort() + "/v1/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void overloadIsAnswered429WithRetryAfter() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig().withConcurrency(1, 1), real -> holding(real, entered, release));
        CompletableFuture<HttpResponse<byte[]>> first = client.sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + fixture.service.httpPort() + "/v1/metrics"))
                .header("Content-Type", PROTOBUF).POST(HttpRequest.BodyPublishers.ofByteArray(Requests.counter("a", 1).toByteArray())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

        HttpResponse<byte[]> second = post("/v1/metrics", PROTOBUF, null, Requests.counter("b", 1).toByteArray());
        OtlpHttpReply viaApi = fixture.service.handleMetrics(JSON, null, "{}".getBytes(StandardCharsets.UTF_8));
        long inFlight = fixture.gauge("sightline_ingest_requests_in_flight");
        release.countDown();

        assertThat(inFlight).isEqualTo(1);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(Status.parseFrom(second.body()).getCode()).isEqualTo(Code.RESOURCE_EXHAUSTED_VALUE);
        assertThat(viaApi.status()).isEqualTo(429);
        assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(StoredSeries.all(fixture.storage).keySet()).extracting(Labels::metricName).containsExactly("a_total");
    }

    @Test
    void gracefulStopFinishesTheRequestInFlightThenRefusesConnections() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig(), real -> holding(real, entered, release));
        int port = fixture.service.httpPort();
        CompletableFuture<HttpResponse<byte[]>> inFlight = client.sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/metrics"))
                .header("Content-Type", PROTOBUF).POST(HttpRequest.BodyPublishers.ofByteArray(Requests.counter("late", 1).toByteArray())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(fixture.service::close);
        release.countDown();
        stopped.get(30, TimeUnit.SECONDS);

        assertThat(inFlight.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(StoredSeries.values(fixture.storage, "__name__", "late_total", "job", "svc", "instance", "i-1", "k", "0")).containsExactly(1.0);
        assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close()).isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void apiPortEntryPointHandlesTheSameProtocol() throws Exception {
        start();
        OtlpHttpReply ok = fixture.service.handleMetrics(PROTOBUF, null, Requests.counter("api", 2).toByteArray());
        OtlpHttpReply bad = fixture.service.handleMetrics(JSON, "br", "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.contentType()).isEqualTo(PROTOBUF);
        assertThat(StoredSeries.values(fixture.storage, "__name__", "api_total", "job", "svc", "instance", "i-1", "k", "0")).containsExactly(2.0);
        assertThat(bad.status()).isEqualTo(415);
        assertThat(fixture.counter("sightline_ingest_requests_total", "http_api")).isEqualTo(2);
    }

    /** The real storage, with appender() held until {@code release}: keeps one request in flight. */
    static Appendable holding(Appendable real, CountDownLatch entered, CountDownLatch release) {
        return () -> {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return real.appender();
        };
    }
}
