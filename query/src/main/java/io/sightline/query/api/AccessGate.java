package io.sightline.query.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.sightline.query.ApiSecurity;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Asks the {@link ApiSecurity.AccessPolicy} about each request as soon as its head is parsed, before its body is
 * decompressed or buffered. A refused request is answered (401 with {@code WWW-Authenticate}, 429 with
 * {@code Retry-After}) in the Prometheus error format, as is a head past {@code http.max_header_bytes} (431/414), its body is discarded unread, and the connection closes.
 * One per connection; event loop only.
 */
final class AccessGate extends ChannelInboundHandlerAdapter {
    static final String HANDLER = "refused";

    private final ApiSecurity.AccessPolicy policy;
    private final ApiMetrics metrics;
    private boolean refused;
    /** Of a refused request: its last content arrived / its answer is written. The connection closes after both. */
    private boolean requestEnded;
    private boolean answered;

    AccessGate(ApiSecurity.AccessPolicy policy, ApiMetrics metrics) {
        this.policy = policy;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            // Read and drop the rest of the refused request: closing with unread bytes would make the kernel send
            // a reset, which can destroy the answer on its way to the client. The read deadline bounds this.
            requestEnded |= msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
            closeWhenDone(ctx);
            return;
        }
        if (msg instanceof HttpRequest req) {
            Reply reply = req.decoderResult().isFailure() ? tooLarge(req.decoderResult().cause()) : check(ctx, req);
            if (reply != null) {
                refused = true;
                requestEnded = msg instanceof LastHttpContent;
                ReferenceCountUtil.release(msg);
                FullHttpResponse response = Dispatcher.render(ctx.alloc(), reply, HANDLER);
                HttpUtil.setKeepAlive(response, false);
                metrics.record(HANDLER, reply.status(), 0);
                ctx.writeAndFlush(response).addListener(f -> {
                    answered = true;
                    closeWhenDone(ctx);
                });
                return;
            }
        }
        ctx.fireChannelRead(msg);
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

    private Reply check(ChannelHandlerContext ctx, HttpRequest req) {
        String path;
        try {
            path = Calls.path(req.uri());
        } catch (IllegalArgumentException e) {
            return Reply.error(400, "bad_data", "malformed request URI: " + e.getMessage(), Map.of());
        }
        ApiSecurity.Refusal refusal = policy.check(remote(ctx), req.method().name(),
                path, req.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (refusal == null) {
            return null;
        }
        String type = refusal.status() == 401 ? "unauthorized" : refusal.status() == 429 ? "too_many_requests" : "forbidden";
        return Reply.error(refusal.status(), type, refusal.message(), refusal.headers());
    }

    private void closeWhenDone(ChannelHandlerContext ctx) {
        if (answered && requestEnded) {
            ctx.close();
        }
    }

    /** The peer's address; null on channels without one (tests' embedded channels). */
    private static InetSocketAddress remote(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
    }
}
