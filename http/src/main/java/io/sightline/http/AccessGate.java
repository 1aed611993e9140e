package io.sightline.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;

/**
 * Asks a {@link Check} about each request as soon as its head is parsed, before any of its body is decompressed or
 * buffered. A refused request gets the check's answer, the rest of its body is discarded unread (so nothing of it
 * is stored or handled), and the connection closes. Sits after the HTTP codec. One per connection; event loop only.
 */
public final class AccessGate extends ChannelInboundHandlerAdapter {
    private final Check check;
    private boolean refused;
    /** Of a refused request: its last content arrived / its answer is written. The connection closes after both. */
    private boolean requestEnded;
    private boolean answered;

    /** @param check shared by the connections of a server; asked on their event loops */
    public AccessGate(Check check) {
        this.check = check;
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
            FullHttpResponse answer = check.refusal(ctx, req, remote(ctx));
            if (answer != null) {
                refused = true;
                requestEnded = msg instanceof LastHttpContent;
                ReferenceCountUtil.release(msg);
                ctx.writeAndFlush(answer).addListener(f -> {
                    answered = true;
                    closeWhenDone(ctx);
                });
                return;
            }
        }
        ctx.fireChannelRead(msg);
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

    /** What a server refuses on a request's head, and how it answers. Implementations must be thread-safe. */
    @FunctionalInterface
    public interface Check {
        /**
         * Decides on a request whose head arrived, including one whose head did not parse (see its
         * {@code decoderResult()}, e.g. a head past the codec's limits). Called on the event loop; must not block.
         * Counts what it refuses in the server's metrics.
         *
         * @param head   the request's head; its body has not been read yet; not retained
         * @param remote the peer's address, or null on channels without one
         * @return the whole answer to a refused request (written, then the connection closes), or null to let the
         * request through
         */
        FullHttpResponse refusal(ChannelHandlerContext ctx, HttpRequest head, InetSocketAddress remote);
    }
}
