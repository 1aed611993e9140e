package io.sightline.query.api;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.sightline.query.ApiConfig;
import io.sightline.query.ApiServer;
import io.sightline.query.HttpResult;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryEngines;
import io.sightline.query.Route;
import io.sightline.storage.Appender;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The server on a free 127.0.0.1 port with the real storage and the real PromQL engine, answering the calls
 * Grafana's Prometheus data source makes.
 */
class ApiServerIT {
    private static final long STEP = 15_000;

    @TempDir
    static Path dir;
    private static Storage storage;
    private static long now;
    private ApiServer server;
    private SdkMeterProvider meters;
    private InMemoryMetricReader reader;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private final CountDownLatch slowRelease = new CountDownLatch(1);
    /** One store for the class: the tests only read, and opening one costs seconds (Chronicle Map). */
    @BeforeAll
    static void open() {
        storage = Storage.open(StorageConfig.defaults(dir), OpenTelemetry.noop().getMeter("storage"));
        now = System.currentTimeMillis() / STEP * STEP;
        Appender a = storage.appender();
        for (long t = now - 20 * STEP; t <= now; t += STEP) {
            a.append(Appender.NO_REF, Labels.of("__name__", "up", "job", "api", "instance", "a:1"), t, 1);
            a.append(Appender.NO_REF, Labels.of("__name__", "up", "job", "db", "instance", "b:2"), t, 0);
            a.append(Appender.NO_REF, Labels.of("__name__", "http_requests_total", "job", "api"), t, (t - now) / 1000.0 + 1000);
        }
        a.commit();
    }

    @AfterAll
    static void closeStorage() {
        storage.close();
    }

    @BeforeEach
    void start() {
        reader = InMemoryMetricReader.create();
        meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
        Route slow = new Route(Set.of("GET"), "/slow", false, call -> {
            slowStarted.countDown();
            slowRelease.await();
            return HttpResult.text(200, "finished");
        });
        server = ApiServer.start(ApiConfig.defaults().withListen("127.0.0.1", 0),
                QueryEngines.promql(storage, QueryConfig.defaults(), meters.get("engine")), storage, List.of(slow),
                meters.get("api"));
    }

    @AfterEach
    void stop() {
        slowRelease.countDown();
        server.close();
        meters.close();
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postForm(String path, String form) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String seconds(long millis) {
        return Long.toString(millis / 1000);
    }

    @Test
    void grafanaSaveAndTestEvaluatesOnePlusOneByGetAndByPost() throws Exception {
        HttpResponse<String> r = get("/api/v1/query?query=1%2B1&time=" + seconds(now));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":["
                + seconds(now) + ",\"2\"]}}");
        HttpResponse<String> p = postForm("/api/v1/query", "query=1%2B1&time=" + seconds(now));
        assertThat(p.body()).isEqualTo(r.body());
        assertThat(get("/api/v1/status/buildinfo").body()).contains("\"version\":\"0.1.0\"");
    }

    @Test
    void grafanaListsLabelsMetricNamesAndSeries() throws Exception {
        String range = "start=" + seconds(now - 3_600_000) + "&end=" + seconds(now);
        assertThat(get("/api/v1/labels?" + range).body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\",\"instance\",\"job\"]}");
        assertThat(get("/api/v1/label/__name__/values?" + range).body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"http_requests_total\",\"up\"]}");
        assertThat(get("/api/v1/label/instance/values?match%5B%5D=up%7Bjob%3D%22db%22%7D&" + range).body())
                .isEqualTo("{\"status\":\"success\",\"data\":[\"b:2\"]}");
        assertThat(get("/api/v1/series?match%5B%5D=up&" + range).body()).isEqualTo("{\"status\":\"success\",\"data\":["
                + "{\"__name__\":\"up\",\"instance\":\"a:1\",\"job\":\"api\"},"
                + "{\"__name__\":\"up\",\"instance\":\"b:2\",\"job\":\"db\"}]}");
    }

    @Test
    void grafanaRangeQueryAsAFormPostGetsAMatrix() throws Exception {
        long start = now - 4 * STEP;
        HttpResponse<String> r = postForm("/api/v1/query_range", "query=sum+by+%28job%29+%28up%29&start="
                + seconds(start) + "&end=" + seconds(now) + "&step=15");
        assertThat(r.statusCode()).isEqualTo(200);
        StringBuilder api = new StringBuilder();
        StringBuilder db = new StringBuilder();
        for (long t = start; t <= now; t += STEP) {
            api.append(api.isEmpty() ? "" : ",").append('[').append(seconds(t)).append(",\"1\"]");
            db.append(db.isEmpty() ? "" : ",").append('[').append(seconds(t)).append(",\"0\"]");
        }
        assertThat(r.body()).isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                + "{\"metric\":{\"job\":\"api\"},\"values\":[" + api + "]},"
                + "{\"metric\":{\"job\":\"db\"},\"values\":[" + db + "]}]}}");
    }

    @Test
    void statsAreAddedWhenAskedFor() throws Exception {
        String body = get("/api/v1/query?query=up&stats=all&time=" + seconds(now)).body();
        assertThat(body).matches(".*}],\"stats\":\\{\"timings\":\\{\"execTotalTime\":[0-9.e-]+},"
                + "\"samples\":\\{\"totalQueryableSamples\":[0-9]+,\"peakSamples\":[0-9]+}}}}");
        assertThat(get("/api/v1/query?query=up&time=" + seconds(now)).body()).doesNotContain("stats");
    }

    @Test
    void largeAnswersAreGzippedWhenAsked() throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri("/api/v1/query_range?query=up&start="
                        + seconds(now - 20 * STEP) + "&end=" + seconds(now) + "&step=1"))
                .header("Accept-Encoding", "gzip").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
        String body = new String(new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes(),
                StandardCharsets.UTF_8);
        assertThat(body).startsWith("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\"");
    }

    @Test
    void formatQueryAndParseQueryAnswerByGetAndByPost() throws Exception {
        assertThat(get("/api/v1/format_query?query=sum%28up%29by%28job%29").body())
                .isEqualTo("{\"status\":\"success\",\"data\":\"sum by (job) (up)\"}");
        assertThat(postForm("/api/v1/format_query", "query=up%7Bb%3D%221%22%2Ca%3D%222%22%7D%5B60s%5D").body())
                .isEqualTo("{\"status\":\"success\",\"data\":\"up{a=\\\"2\\\",b=\\\"1\\\"}[1m]\"}");
        assertThat(postForm("/api/v1/parse_query", "query=-1").body())
                .isEqualTo("{\"status\":\"success\",\"data\":{\"type\":\"numberLiteral\",\"val\":\"-1\"}}");
        HttpResponse<String> bad = get("/api/v1/format_query?query=sum%28");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"errorType\":\"bad_data\"");
    }

    @Test
    void syntaxErrorsAre400BadDataNamingTheQueryParameter() throws Exception {
        HttpResponse<String> r = get("/api/v1/query?query=sum%28");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"query\\\": ");
    }

    @Test
    void badParametersAndUnknownEndpointsGetErrorEnvelopes() throws Exception {
        HttpResponse<String> r = get("/api/v1/query_range?query=up&start=x&end=1&step=1");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\","
                + "\"error\":\"invalid parameter \\\"start\\\": cannot parse \\\"x\\\" to a valid timestamp\"}");
        HttpResponse<String> missing = get("/api/v1/nothing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"errorType\":\"not_found\"");
    }

    @Test
    void browsersGetPrometheusCorsHeadersAndPreflightAnswers() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/v1/query?query=%29"))
                .header("Origin", "http://localhost:3000").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(r.headers().firstValue("access-control-allow-methods")).hasValue("GET, POST, OPTIONS");
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(uri("/api/v1/query_range"))
                .header("Origin", "http://localhost:3000").method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("access-control-allow-headers"))
                .hasValue("Accept, Authorization, Content-Type, Origin");
        assertThat(get("/api/v1/labels").headers().firstValue("access-control-allow-origin")).isEmpty();
    }

    @Test
    void requestsAreCountedByHandlerAndCode() throws Exception {
        get("/api/v1/query?query=1");
        get("/api/v1/query?query=1");
        get("/api/v1/query?query=%29");
        assertThat(SelfMetrics.requests(reader, "/api/v1/query", 200)).isEqualTo(2);
        assertThat(SelfMetrics.requests(reader, "/api/v1/query", 400)).isEqualTo(1);
    }

    @Test
    void aPortInUseIsRefusedNamingTheAddress() {
        ApiConfig taken = ApiConfig.defaults().withListen("127.0.0.1", server.port());
        assertThatThrownBy(() -> ApiServer.start(taken, QueryEngines.promql(storage, QueryConfig.defaults(),
                meters.get("engine")), storage, List.of(), meters.get("api")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot bind the HTTP API to 127.0.0.1:" + server.port() + ": ");
    }

    @Test
    void closeStopsAcceptingFinishesInFlightRequestsThenCloses() throws Exception {
        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
                HttpRequest.newBuilder(uri("/slow")).GET().build(), HttpResponse.BodyHandlers.ofString());
        slowStarted.await();
        assertThat(SelfMetrics.gauge(reader, ApiMetrics.IN_FLIGHT)).isEqualTo(1);
        assertThat(SelfMetrics.gauge(reader, ApiMetrics.QUEUE_DEPTH)).isZero();
        Thread closer = Thread.ofPlatform().start(server::close);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
        while (accepts(address)) {
            Thread.sleep(10); // until close() has stopped accepting
        }
        slowRelease.countDown();
        HttpResponse<String> r = inFlight.get();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("finished");
        closer.join();
        assertThat(accepts(address)).isFalse();
    }

    private static boolean accepts(InetSocketAddress address) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address);
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }
}
