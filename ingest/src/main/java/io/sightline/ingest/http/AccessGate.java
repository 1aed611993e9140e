package io.sightline.ingest.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.sightline.ingest.IngestSecurity;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Asks the {@link IngestSecurity.Gate} about each request as soon as its headers are parsed, before any of its
 * body is buffered, and refuses requests whose head did not parse or was too large (431/414/400). A refused request gets its 401 or 429 and the connection closes; the rest of its body is
 * discarded unread, so nothing of it is stored. One per connection; event loop only.
 */
final class AccessGate extends ChannelInboundHandlerAdapter {
    private final IngestSecurity.Gate gate;
    private final MetricsEndpoint endpoint;
    private boolean refused;
    /** Of a refused request: its last content arrived / its answer is written. The connection closes after both. */
    private boolean requestEnded;
    private boolean answered;

    AccessGate(IngestSecurity.Gate gate, MetricsEndpoint endpoint) {
        this.gate = gate;
        this.endpoint = endpoint;
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
            long start = System.nanoTime();
            IngestSecurity.Refusal refusal = req.decoderResult().isFailure() ? malformed(req.decoderResult().cause())
                    : gate.check(remote(ctx),
                    req.headers().get(HttpHeaderNames.AUTHORIZATION));
            if (refusal != null) {
                refused = true;
                requestEnded = msg instanceof LastHttpContent;
                ReferenceCountUtil.release(msg);
                endpoint.count(refusal.status(), start);
                FullHttpResponse r = Responses.text(HttpResponseStatus.valueOf(refusal.status()), refusal.message() + "\n",
                        false);
                for (Map.Entry<String, String> h : refusal.headers().entrySet()) {
                    r.headers().set(h.getKey(), h.getValue());
                }
                ctx.writeAndFlush(r).addListener(f -> {
                    answered = true;
                    closeWhenDone(ctx);
                });
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** A request line or header block past {@code ingest.max_header_bytes}, or one that does not parse. */
    private static IngestSecurity.Refusal malformed(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return new IngestSecurity.Refusal(431, "request headers exceed ingest.max_header_bytes", Map.of());
        }
        if (cause instanceof TooLongHttpLineException) {
            return new IngestSecurity.Refusal(414, "request line exceeds ingest.max_header_bytes", Map.of());
        }
        return new IngestSecurity.Refusal(400, "malformed HTTP request: " + cause.getMessage(), Map.of());
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
