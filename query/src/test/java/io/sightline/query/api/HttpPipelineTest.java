package io.sightline.query.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.sightline.query.ApiConfig;
import io.sightline.query.HttpResult;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryException;
import io.sightline.query.Route;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpPipelineTest {
    private static final int MAX_BODY = 4096;
    private static final int MAX_CONNECTIONS = 3;
    private static final ApiConfig CONFIG = new ApiConfig("127.0.0.1", 0, MAX_BODY, 8192, 1, 1, 60_000, 1_000,
            MAX_CONNECTIONS, QueryConfig.defaults(), ApiConfig.Status.unknown());
    private static final Executor DIRECT = Runnable::run;

    private EmbeddedServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
    }

    private static Endpoint echo(String path, boolean prefix, Set<String> methods) {
        return new Endpoint(path, methods, path, prefix, call -> Reply.of(HttpResult.text(200,
                call.method() + " " + call.path() + " " + call.params())));
    }

    private EmbeddedServer start(Executor executor, Endpoint... endpoints) {
        server = new EmbeddedServer(CONFIG, executor, List.of(endpoints));
        return server;
    }

    private static FullHttpRequest get(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    private static FullHttpRequest post(String uri, String contentType, byte[] body) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    @Test
    void exactRoutesWinOverPrefixesAndTheLongestPrefixWins() {
        EmbeddedServer s = start(DIRECT, echo("/a/b", false, Set.of("GET")), echo("/a/", true, Set.of("GET")),
                echo("/a/b/", true, Set.of("GET")));
        EmbeddedServer.Connection c = s.connect();
        assertThat(EmbeddedServer.body(c.exchange(get("/a/b")))).isEqualTo("GET /a/b {}");
        assertThat(EmbeddedServer.body(c.exchange(get("/a/b/c?x=1")))).isEqualTo("GET /a/b/c {x=[1]}");
        assertThat(s.requests("/a/b/", 200)).isEqualTo(1);
        assertThat(s.requests("/a/b", 200)).isEqualTo(1);
    }

    @Test
    void unknownPathsGet404WithAnErrorEnvelope() {
        EmbeddedServer s = start(DIRECT, echo("/a", false, Set.of("GET")));
        FullHttpResponse r = s.connect().exchange(get("/api/v1/nope"));
        assertThat(r.status().code()).isEqualTo(404);
        assertThat(r.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(EmbeddedServer.body(r)).isEqualTo(
                "{\"status\":\"error\",\"errorType\":\"not_found\",\"error\":\"unknown endpoint GET /api/v1/nope\"}");
        assertThat(s.requests("unrouted", 404)).isEqualTo(1);
    }

    @Test
    void otherMethodsGet405NamingTheAllowedOnes() {
        EmbeddedServer s = start(DIRECT, echo("/a", false, Set.of("GET", "POST")));
        FullHttpResponse r = s.connect().exchange(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.DELETE, "/a"));
        assertThat(r.status().code()).isEqualTo(405);
        assertThat(r.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("GET, POST");
        assertThat(EmbeddedServer.body(r)).contains("method DELETE is not allowed for /a; allowed: GET, POST");
    }

    @Test
    void formBodiesMergeWithTheQueryStringAndTheBodyComesFirst() {
        EmbeddedServer s = start(DIRECT, echo("/q", false, Set.of("POST")));
        FullHttpResponse r = s.connect().exchange(post("/q?query=fromUrl&time=1",
                "application/x-www-form-urlencoded; charset=UTF-8",
                "query=sum%28rate%28x%5B5m%5D%29%29+by+%28job%29&match%5B%5D=a&match%5B%5D=b".getBytes(StandardCharsets.UTF_8)));
        assertThat(EmbeddedServer.body(r))
                .isEqualTo("POST /q {query=[sum(rate(x[5m])) by (job), fromUrl], match[]=[a, b], time=[1]}");
    }

    @Test
    void bodiesOverTheLimitGet413AndTheConnectionCloses() {
        EmbeddedServer s = start(DIRECT, echo("/q", false, Set.of("POST")));
        EmbeddedServer.Connection c = s.connect();
        FullHttpResponse r = c.exchange(post("/q", "application/x-protobuf", new byte[MAX_BODY + 1]));
        assertThat(r.status().code()).isEqualTo(413);
        assertThat(EmbeddedServer.body(r)).isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\","
                + "\"error\":\"request body exceeds http.max_body_bytes (4096 bytes)\"}");
        assertThat(c.server.isOpen()).isFalse();
        assertThat(s.requests("oversized", 413)).isEqualTo(1);
    }

    @Test
    void gzipBodiesAreDecompressedAndBoundedAfterDecompression() throws IOException {
        EmbeddedServer s = start(DIRECT, new Endpoint("/q", Set.of("POST"), "/q", false,
                call -> Reply.of(HttpResult.text(200, "got " + call.body().length))));
        FullHttpRequest small = post("/q", "application/x-protobuf", gzip(new byte[MAX_BODY]));
        small.headers().set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
        assertThat(EmbeddedServer.body(s.connect().exchange(small))).isEqualTo("got 4096");

        byte[] bomb = gzip(new byte[MAX_BODY * 64]);
        assertThat(bomb.length).isLessThan(MAX_BODY);
        FullHttpRequest big = post("/q", "application/x-protobuf", bomb);
        big.headers().set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
        EmbeddedServer.Connection c = s.connect();
        FullHttpResponse r = c.exchange(big);
        assertThat(r.status().code()).isEqualTo(413);
        assertThat(EmbeddedServer.body(r)).contains("exceeds http.max_body_bytes (4096 bytes)");
        assertThat(c.server.isOpen()).isFalse();
    }

    @Test
    void bodiesThatDoNotDecompressAre400() {
        EmbeddedServer s = start(DIRECT, echo("/q", false, Set.of("POST")));
        FullHttpRequest req = post("/q", "application/x-protobuf", "not gzip at all".getBytes(StandardCharsets.UTF_8));
        req.headers().set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
        EmbeddedServer.Connection c = s.connect();
        FullHttpResponse r = c.exchange(req);
        assertThat(r.status().code()).isEqualTo(400);
        assertThat(EmbeddedServer.body(r)).contains("\"errorType\":\"bad_data\"", "request body does not decompress");
        assertThat(c.server.isOpen()).isFalse();
    }

    @Test
    void largeResponsesAreGzippedWhenTheClientAsks() throws IOException {
        String big = "x".repeat(10_000);
        EmbeddedServer s = start(DIRECT, new Endpoint("/big", Set.of("GET"), "/big", false,
                call -> Reply.of(HttpResult.text(200, big))));
        FullHttpRequest req = get("/big");
        req.headers().set(HttpHeaderNames.ACCEPT_ENCODING, "gzip, deflate");
        EmbeddedServer.Connection c = s.connect();
        FullHttpResponse r = c.exchange(req);
        assertThat(r.headers().get(HttpHeaderNames.CONTENT_ENCODING)).isEqualTo("gzip");
        byte[] compressed = new byte[r.content().readableBytes()];
        r.content().readBytes(compressed);
        r.release();
        assertThat(compressed.length).isLessThan(1000);
        assertThat(new String(gunzip(compressed), StandardCharsets.UTF_8)).isEqualTo(big);
        // keep-alive survives compression: the next request on the connection is answered
        assertThat(EmbeddedServer.body(c.exchange(get("/big")))).isEqualTo(big);
    }

    @Test
    void aWorkerReadsTheBodyInPlaceAndTheReceiveBufferIsReleasedOnlyAfterItsHandler() {
        List<Runnable> queued = new ArrayList<>();
        byte[] body = new byte[3000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31);
        }
        List<String> seen = new ArrayList<>();
        EmbeddedServer s = start(queued::add, new Endpoint("/w", Set.of("POST"), "/w", false, call -> {
            byte[] copy = new byte[call.content().length() + 2];
            call.content().copyTo(copy, 2);
            seen.add(Arrays.equals(copy, 2, copy.length, body, 0, body.length) + " " + Arrays.equals(call.body(), body));
            return Reply.of(HttpResult.text(200, "ok"));
        }));
        EmbeddedServer.Connection c = s.connect();
        ByteBuf raw = Unpooled.buffer();
        raw.writeBytes(("POST /w HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        raw.writeBytes(body);
        raw.retain(); // the test's own reference, to watch the server's

        c.sendRaw(raw);

        assertThat(queued).hasSize(1);
        assertThat(raw.refCnt()).as("the event loop is done; the worker's reference keeps the body").isGreaterThan(1);
        queued.removeFirst().run();
        assertThat(EmbeddedServer.body(c.responses().getFirst())).isEqualTo("ok");
        assertThat(seen).containsExactly("true true");
        assertThat(raw.refCnt()).as("released once the handler has answered").isEqualTo(1);
        raw.release();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOneAtATime() {
        List<Runnable> queued = new ArrayList<>();
        EmbeddedServer s = start(queued::add, echo("/a", true, Set.of("GET")));
        EmbeddedServer.Connection c = s.connect();
        c.send(get("/a1"));
        c.send(get("/a2"));
        c.send(get("/a3"));
        assertThat(queued).as("only the first request runs while it is unanswered").hasSize(1);
        List<String> bodies = new ArrayList<>();
        while (!queued.isEmpty()) {
            queued.removeFirst().run();
            c.responses().forEach(r -> bodies.add(EmbeddedServer.body(r)));
        }
        assertThat(bodies).containsExactly("GET /a1 {}", "GET /a2 {}", "GET /a3 {}");
        assertThat(c.server.config().isAutoRead()).isTrue();
    }

    @Test
    void saturatedWorkersAnswer503WithRetryAfter() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        ThreadPoolExecutor pool = HttpApiServer.workerPool(CONFIG); // 1 thread, queue of 1
        try {
            EmbeddedServer s = start(pool, new Endpoint("/slow", Set.of("GET"), "/slow", false, call -> {
                running.countDown();
                release.await();
                return Reply.of(HttpResult.text(200, "done"));
            }));
            EmbeddedServer.Connection running1 = s.connect();
            EmbeddedServer.Connection queued2 = s.connect();
            EmbeddedServer.Connection refused3 = s.connect();
            running1.send(get("/slow"));
            running.await();
            queued2.send(get("/slow"));
            FullHttpResponse r = refused3.exchange(get("/slow"));
            assertThat(r.status().code()).isEqualTo(503);
            assertThat(r.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
            assertThat(EmbeddedServer.body(r)).isEqualTo("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":"
                    + "\"server overloaded: all 1 HTTP workers are busy and 1 requests wait "
                    + "(http.worker_threads, http.worker_queue); retry later\"}");
            assertThat(s.requests("/slow", 503)).isEqualTo(1);

            release.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
            assertThat(EmbeddedServer.body(running1.responses().getFirst())).isEqualTo("done");
            assertThat(EmbeddedServer.body(queued2.responses().getFirst())).isEqualTo("done");
            assertThat(s.context.inFlight().count()).isZero();
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void idleConnectionsAreClosedButNotWhileARequestRuns() {
        List<Runnable> queued = new ArrayList<>();
        EmbeddedServer s = start(queued::add, echo("/a", false, Set.of("GET")));
        EmbeddedServer.Connection busy = s.connect();
        busy.send(get("/a"));
        busy.server.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(busy.server.isOpen()).as("a running request keeps its connection").isTrue();
        queued.removeFirst().run();
        assertThat(EmbeddedServer.body(busy.responses().getFirst())).isEqualTo("GET /a {}");
        busy.server.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(busy.server.isOpen()).isFalse();
    }

    @Test
    void oneConnectionTooManyIsAnswered503AndClosedUntilAnotherCloses() {
        EmbeddedServer s = start(DIRECT, echo("/a", false, Set.of("GET")));
        List<EmbeddedServer.Connection> open = new ArrayList<>();
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            open.add(s.connect());
        }
        EmbeddedServer.Connection extra = s.connect();
        List<FullHttpResponse> refused = extra.responses();
        assertThat(refused).hasSize(1);
        assertThat(refused.getFirst().status().code()).isEqualTo(503);
        assertThat(refused.getFirst().headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
        assertThat(EmbeddedServer.body(refused.getFirst())).contains("too many open connections: the limit is 3 "
                + "(http.max_connections)");
        assertThat(extra.server.isOpen()).isFalse();
        assertThat(s.context.connections().open()).isEqualTo(MAX_CONNECTIONS);

        open.getFirst().server.close();
        assertThat(s.context.connections().open()).isEqualTo(MAX_CONNECTIONS - 1);
        assertThat(EmbeddedServer.body(s.connect().exchange(get("/a")))).isEqualTo("GET /a {}");
    }

    @Test
    void handlerErrorsBecomeEnvelopesWithTheirStatus() {
        EmbeddedServer s = start(DIRECT,
                new Endpoint("/bad", Set.of("GET"), "/bad", false, call -> {
                    throw new QueryException(QueryException.ErrorType.BAD_DATA, "invalid parameter \"x\": nope");
                }),
                new Endpoint("/bug", Set.of("GET"), "/bug", false, call -> {
                    throw new IllegalStateException("oops");
                }));
        EmbeddedServer.Connection c = s.connect();
        FullHttpResponse bad = c.exchange(get("/bad"));
        assertThat(bad.status().code()).isEqualTo(400);
        assertThat(EmbeddedServer.body(bad)).isEqualTo(
                "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"x\\\": nope\"}");
        FullHttpResponse bug = c.exchange(get("/bug"));
        assertThat(bug.status().code()).isEqualTo(500);
        assertThat(EmbeddedServer.body(bug)).contains("\"errorType\":\"internal\"", "oops");
    }

    @Test
    void malformedEscapesInTheUriAre400() {
        EmbeddedServer s = start(DIRECT, echo("/q", false, Set.of("GET")));
        FullHttpResponse r = s.connect().exchange(get("/q?query=%zz"));
        assertThat(r.status().code()).isEqualTo(400);
        assertThat(EmbeddedServer.body(r)).contains("malformed request URI or form body");
    }

    @Test
    void requestLinesOverTheHeaderLimitAre414AndClose() {
        EmbeddedServer s = start(DIRECT, echo("/q", false, Set.of("GET")));
        EmbeddedServer.Connection c = s.connect();
        FullHttpResponse r = c.exchange(get("/q?query=" + "x".repeat(9000)));
        assertThat(r.status().code()).isEqualTo(414);
        assertThat(EmbeddedServer.body(r)).contains("request line exceeds http.max_header_bytes");
        assertThat(c.server.isOpen()).isFalse();
    }

    @Test
    void routesOfOtherModulesPlugInAndTheirResultIsSentAsItIs() {
        Route health = new Route(Set.of("get"), "/-/healthy", false, call -> new HttpResult(200, "text/plain",
                Map.of("x-extra", "1"), "Healthy.\n".getBytes(StandardCharsets.UTF_8)));
        EmbeddedServer s = start(DIRECT, PrometheusApi.adapt(health));
        FullHttpResponse r = s.connect().exchange(get("/-/healthy"));
        assertThat(r.headers().get("x-extra")).isEqualTo("1");
        assertThat(r.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/plain");
        assertThat(EmbeddedServer.body(r)).isEqualTo("Healthy.\n");
    }

    @Test
    void aPathRegisteredTwiceIsRefused() {
        assertThatThrownBy(() -> new Router(List.of(echo("/a", false, Set.of("GET")), echo("/a", false, Set.of("POST")))))
                .hasMessage("HTTP route /a is registered twice");
        assertThatThrownBy(() -> new Router(List.of(echo("/p/", true, Set.of("GET")), echo("/p/", true, Set.of("GET")))))
                .hasMessage("HTTP route /p/* is registered twice");
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] data) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(data))) {
            return in.readAllBytes();
        }
    }
}
