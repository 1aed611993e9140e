package io.sightline.query.api;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.sightline.http.RequestIds;
import io.sightline.query.ApiConfig;
import io.sightline.query.ApiSecurity;
import io.sightline.query.HttpResult;
import io.sightline.query.QueryConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The access policy runs on the head of each request, before its body is buffered or a handler runs. */
class AccessGateTest {
    private static final ApiConfig CONFIG = new ApiConfig("127.0.0.1", 0, 4096, 8192, 1, 1, 60_000, 1_000, 3,
            QueryConfig.defaults(), ApiConfig.Status.unknown());

    private final List<String> handled = new ArrayList<>();
    private final List<String> asked = new ArrayList<>();
    private final EmbeddedServer server = new EmbeddedServer(CONFIG, Runnable::run, List.of(new Endpoint("/q",
            Set.of("GET", "POST"), "/q", false, call -> {
                handled.add(call.method() + " " + call.path());
                return Reply.of(HttpResult.text(200, "ok"));
            })));
    private final ApiSecurity security = new ApiSecurity(null, (client, method, path, authorization) -> {
        asked.add(method + " " + path + " " + authorization);
        return "Bearer good".equals(authorization) ? null
                : new ApiSecurity.Refusal(401, "authentication required", Map.of("WWW-Authenticate", "Bearer realm=\"t\""));
    }, 60_000);

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void aRefusedRequestGets401WithTheChallengeNeverReachesItsHandlerAndClosesTheConnection() {
        EmbeddedServer.Connection c = server.connect(security);
        FullHttpRequest post = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/q",
                Unpooled.wrappedBuffer("query=up".getBytes(StandardCharsets.UTF_8)));
        post.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded");
        post.headers().set(HttpHeaderNames.CONTENT_LENGTH, 8);
        post.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer bad");
        FullHttpResponse r = c.exchange(post);

        assertThat(r.status().code()).isEqualTo(401);
        assertThat(r.headers().get(HttpHeaderNames.WWW_AUTHENTICATE)).isEqualTo("Bearer realm=\"t\"");
        assertThat(EmbeddedServer.body(r)).isEqualTo("{\"status\":\"error\",\"errorType\":\"unauthorized\","
                + "\"error\":\"authentication required\"}");
        assertThat(handled).isEmpty();
        assertThat(asked).containsExactly("POST /q Bearer bad");
        assertThat(c.server.isOpen()).isFalse();
        assertThat(server.requests(Refusals.HANDLER, 401)).isEqualTo(1);
    }

    @Test
    void anAcceptedRequestIsHandledAndAnsweredWithARequestId() {
        EmbeddedServer.Connection c = server.connect(security);
        FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/q?query=up");
        get.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer good");
        FullHttpResponse r = c.exchange(get);

        assertThat(r.status().code()).isEqualTo(200);
        assertThat(r.headers().get(RequestIds.HEADER)).matches("[0-9a-f]{16}");
        assertThat(handled).containsExactly("GET /q");
        assertThat(asked).containsExactly("GET /q Bearer good");
        EmbeddedServer.body(r);
    }

    @Test
    void thePolicySeesTheDecodedPathSoEncodingCannotSlipPastIt() {
        EmbeddedServer.Connection c = server.connect(security);
        FullHttpResponse r = c.exchange(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/%71?x=1"));
        assertThat(r.status().code()).isEqualTo(401);
        assertThat(asked).containsExactly("GET /q null");
        EmbeddedServer.body(r);
    }
}
