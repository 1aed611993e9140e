package io.sightline.ingest.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpUtil;
import io.sightline.http.BodyLimitAggregator;
import io.sightline.ingest.IngestSecurity;
import io.sightline.ingest.OtlpHttpReply;
import io.sightline.ingest.limit.WriteLimiter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Netty pipeline on an EmbeddedChannel: routing, the body limit and the overload answer. The endpoint
 * here only records what reached it; the real endpoint behind real storage is covered by OtlpHttpTest.
 */
class OtlpHttpHandlerTest {
    private final List<String> handled = new ArrayList<>();
    private final List<Integer> counted = new ArrayList<>();
    private final MetricsEndpoint endpoint = new MetricsEndpoint() {
        @Override
        public OtlpHttpReply handle(String contentType, String contentEncoding, byte[] body) {
            synchronized (handled) {
                handled.add(contentType + " " + new String(body, StandardCharsets.UTF_8));
            }
            return new OtlpHttpReply(200, contentType, Map.of(), new byte[0]);
        }

        @Override
        public OtlpHttpReply overloaded(String contentType) {
            return new OtlpHttpReply(429, "application/json", Map.of("Retry-After", "1"), "{}".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public OtlpHttpReply tooLarge(String contentType) {
            return new OtlpHttpReply(413, "application/json", Map.of(), "{}".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void count(int status, long startNanos) {
            counted.add(status);
        }
    };
    private WriteLimiter limiter = new WriteLimiter(4, 1, "test-http");
    private EmbeddedChannel channel;

    @AfterEach
    void finish() throws InterruptedException {
        limiter.shutdown(5_000);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    private EmbeddedChannel channel(int maxBody) {
        channel = new EmbeddedChannel(new BodyLimitAggregator(maxBody, new Refusals(IngestSecurity.Gate.OPEN, endpoint)), new OtlpHttpHandler(endpoint, limiter, new PendingResponses()));
        return channel;
    }

    private static DefaultFullHttpRequest request(HttpMethod method, String uri, String body) {
        DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        HttpUtil.setContentLength(r, body.length());
        return r;
    }

    private FullHttpResponse response() throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            channel.runPendingTasks();
            FullHttpResponse r = channel.readOutbound();
            if (r != null) {
                return r;
            }
            Thread.sleep(10); // the answer is written from the write pool's thread
        }
        throw new AssertionError("no response");
    }

    @Test
    void postToMetricsReachesTheEndpointThroughTheWritePool() throws Exception {
        channel(1024).writeInbound(request(HttpMethod.POST, "/v1/metrics?x=1", "{}"));
        FullHttpResponse r = response();

        assertThat(r.status().code()).isEqualTo(200);
        assertThat(handled).containsExactly("application/json {}");
        r.release();
    }

    @Test
    void otherPathsAnswer404AndOtherMethods405WithoutReachingTheEndpoint() throws Exception {
        channel(1024).writeInbound(request(HttpMethod.POST, "/v1/traces", "{}"));
        FullHttpResponse notFound = response();
        channel.writeInbound(request(HttpMethod.PUT, "/v1/metrics", "{}"));
        FullHttpResponse notAllowed = response();

        assertThat(notFound.status().code()).isEqualTo(404);
        assertThat(notAllowed.status().code()).isEqualTo(405);
        assertThat(notAllowed.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("POST");
        assertThat(handled).isEmpty();
        assertThat(counted).containsExactly(404, 405);
        notFound.release();
        notAllowed.release();
    }

    @Test
    void bodyOverTheLimitIsAnswered413AndTheConnectionClosed() throws Exception {
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/metrics");
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        HttpUtil.setContentLength(head, 100);
        channel(64).writeInbound(head, new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[100])));
        FullHttpResponse r = response();

        assertThat(r.status().code()).isEqualTo(413);
        assertThat(handled).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        r.release();
    }

    @Test
    void fullWritePoolIsAnswered429WithRetryAfter() throws Exception {
        limiter.shutdown(1000);
        limiter = new WriteLimiter(1, 1, "test-http");
        CountDownLatch release = new CountDownLatch(1);
        assertThat(limiter.trySubmit(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })).isTrue();
        channel(1024).writeInbound(request(HttpMethod.POST, "/v1/metrics", "{}"));
        FullHttpResponse r = response();
        release.countDown();

        assertThat(r.status().code()).isEqualTo(429);
        assertThat(r.headers().get("Retry-After")).isEqualTo("1");
        assertThat(handled).isEmpty();
        assertThat(counted).containsExactly(429);
        r.release();
    }

}
