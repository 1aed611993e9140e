package io.sightline.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * Aggregates a request body up to a limit and answers a larger one with the server's 413 (Netty's default is an
 * empty 413), then closes the connection, since the rest of the oversized body would otherwise be read as the next
 * request. One per connection; event loop only.
 */
public final class BodyLimitAggregator extends HttpObjectAggregator {
    private final TooLarge answer;

    /**
     * @param maxBodyBytes the largest body aggregated, in bytes as they arrive at this handler (after a
     *                     decompressor placed before it, before one placed after it)
     * @param answer       shared by the connections of a server; asked on their event loops
     */
    public BodyLimitAggregator(int maxBodyBytes, TooLarge answer) {
        super(maxBodyBytes);
        this.answer = answer;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.writeAndFlush(answer.tooLarge(ctx, oversized, maxContentLength())).addListener(ChannelFutureListener.CLOSE);
    }

    /** How a server answers a body over its limit. Implementations must be thread-safe. */
    @FunctionalInterface
    public interface TooLarge {
        /**
         * Renders the 413 for a request whose body passed the limit and counts it in the server's metrics. Called
         * on the event loop; must not block.
         *
         * @param head         the oversized request's head; not retained
         * @param maxBodyBytes the limit it passed
         * @return the whole answer, never null; the connection closes after it is written
         */
        FullHttpResponse tooLarge(ChannelHandlerContext ctx, HttpMessage head, int maxBodyBytes);
    }
}
