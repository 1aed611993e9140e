package io.sightline.query.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request does not arrive completely within {@code http.read_timeout} of its first
 * byte: a slowloris client trickling headers or body would otherwise hold a connection slot and its buffers
 * (the idle timeout does not fire while bytes keep coming). Sits before the HTTP codec, where bytes arrive; the
 * {@link #completion()} handler after the aggregator stops the clock. One per connection; event loop only.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RequestDeadline.class);

    private final long timeoutMillis;
    private ScheduledFuture<?> timer;
    private Runnable expiry;

    RequestDeadline(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (timer == null) {
            if (expiry == null) {
                expiry = () -> expire(ctx); // once per connection, not per request
            }
            timer = ctx.executor().schedule(expiry, timeoutMillis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    private void expire(ChannelHandlerContext ctx) {
        // DEBUG: a slow or stalled client is the client's problem; the connection is simply cut.
        log.debug("closing HTTP connection: request not complete within http.read_timeout={}ms [remote={}]",
                timeoutMillis, ctx.channel().remoteAddress());
        ctx.close();
    }

    private void complete() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        complete();
        super.channelInactive(ctx);
    }

    /** The handler to place after the aggregator: it stops the clock once a whole request has arrived. */
    ChannelInboundHandlerAdapter completion() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof FullHttpRequest) {
                    complete();
                }
                ctx.fireChannelRead(msg);
            }
        };
    }
}
