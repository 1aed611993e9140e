package io.sightline.query.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.sightline.http.AccessGate;
import io.sightline.http.BodyLimitAggregator;
import io.sightline.query.ApiSecurity;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * What the HTTP API refuses before a request reaches the {@link Dispatcher}, answered in the Prometheus error format
 * and counted in {@link ApiMetrics}. Asked by the {@link AccessGate} on each request's head, before its body is
 * decompressed or buffered: requests the {@link ApiSecurity.AccessPolicy} refuses (401 with
 * {@code WWW-Authenticate}, 429 with {@code Retry-After}) and heads past {@code http.max_header_bytes} (431/414).
 * Asked by the {@link BodyLimitAggregator}: bodies past {@code http.max_body_bytes} (413; counted after
 * decompression, since the aggregator sits behind the decompressor). Thread-safe.
 */
record Refusals(ApiSecurity.AccessPolicy policy, ApiMetrics metrics) implements AccessGate.Check,
        BodyLimitAggregator.TooLarge {
    /** The handler label of refusals on a request's head in the request metrics. */
    static final String HANDLER = "refused";

    @Override
    public FullHttpResponse refusal(ChannelHandlerContext ctx, HttpRequest head, InetSocketAddress remote) {
        Reply reply = head.decoderResult().isFailure() ? tooLarge(head.decoderResult().cause()) : check(head, remote);
        if (reply == null) {
            return null;
        }
        FullHttpResponse response = Dispatcher.render(ctx.alloc(), reply, HANDLER);
        HttpUtil.setKeepAlive(response, false);
        metrics.record(HANDLER, reply.status(), 0);
        return response;
    }

    /** 431/414 for a head past {@code http.max_header_bytes}; other parse failures go on to the dispatcher's 400. */
    private static Reply tooLarge(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return Reply.error(431, "bad_data", "request headers exceed http.max_header_bytes", Map.of());
        }
        if (cause instanceof TooLongHttpLineException) {
            return Reply.error(414, "bad_data", "request line exceeds http.max_header_bytes", Map.of());
        }
        return null;
    }

    private Reply check(HttpRequest req, InetSocketAddress remote) {
        String path;
        try {
            path = Calls.path(req.uri());
        } catch (IllegalArgumentException e) {
            return Reply.error(400, "bad_data", "malformed request URI: " + e.getMessage(), Map.of());
        }
        ApiSecurity.Refusal refusal = policy.check(remote, req.method().name(),
                path, req.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (refusal == null) {
            return null;
        }
        String type = refusal.status() == 401 ? "unauthorized" : refusal.status() == 429 ? "too_many_requests" : "forbidden";
        return Reply.error(refusal.status(), type, refusal.message(), refusal.headers());
    }

    @Override
    public FullHttpResponse tooLarge(ChannelHandlerContext ctx, HttpMessage head, int maxBodyBytes) {
        Reply reply = Reply.error(413, "bad_data", "request body exceeds http.max_body_bytes (" + maxBodyBytes
                + " bytes)", Map.of());
        FullHttpResponse response = Dispatcher.render(ctx.alloc(), reply, "oversized");
        HttpUtil.setKeepAlive(response, false);
        metrics.record("oversized", 413, 0);
        return response;
    }
}
