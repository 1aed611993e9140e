package io.sightline.ingest.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request does not arrive completely within {@code ingest.read_timeout} of its first
 * byte (a slowloris client trickling headers or body would otherwise hold the connection and its buffers), and
 * a connection idle past {@code ingest.idle_timeout}. Sits before the HTTP codec, where bytes arrive; the
 * {@link #completion()} handler after the aggregator reports the request complete. One per connection; event
 * loop only.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {
    static final String NAME = "deadline";
    private static final Logger log = LoggerFactory.getLogger(RequestDeadline.class);

    private final long timeoutMillis;
    private ScheduledFuture<?> timer;

    RequestDeadline(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (timer == null) {
            timer = ctx.executor().schedule(() -> expire(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    private void expire(ChannelHandlerContext ctx) {
        // DEBUG: a slow or stalled client is the client's problem; the connection is simply cut.
        log.debug("closing OTLP/HTTP connection: request not complete within ingest.read_timeout={}ms [remote={}]",
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
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
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
