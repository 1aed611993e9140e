package io.sightline.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request does not arrive completely within the read timeout of its first byte: a
 * slowloris client trickling headers or body would otherwise hold the connection (and a connection slot) and its
 * buffers; the idle timeout does not fire while bytes keep coming. Sits before the HTTP codec, where bytes arrive;
 * the {@link #completion()} handler after the aggregator reports the request complete and stops the clock. One per
 * connection; event loop only.
 */
public final class RequestDeadline extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RequestDeadline.class);

    private final long timeoutMillis;
    private final String connectionKind;
    private final String timeoutKey;
    private final boolean closeIdle;
    private ScheduledFuture<?> timer;
    private Runnable expiry;

    /**
     * @param timeoutMillis  how long a request may take from its first byte until it is complete
     * @param connectionKind what the connection is, for the log line ({@code "OTLP/HTTP"}, {@code "HTTP"})
     * @param timeoutKey     the config key of the timeout, named in the log line so an operator knows what to raise
     * @param closeIdle      also close the connection on an {@link IdleStateEvent}, for pipelines in which no later
     *                       handler decides what idleness means; otherwise the event is passed on
     */
    public RequestDeadline(long timeoutMillis, String connectionKind, String timeoutKey, boolean closeIdle) {
        this.timeoutMillis = timeoutMillis;
        this.connectionKind = connectionKind;
        this.timeoutKey = timeoutKey;
        this.closeIdle = closeIdle;
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
        if (log.isDebugEnabled()) {
            log.debug("closing {} connection: request not complete within {}={}ms [remote={}]", connectionKind,
                    timeoutKey, timeoutMillis, ctx.channel().remoteAddress());
        }
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
        if (closeIdle && evt instanceof IdleStateEvent) {
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
    public ChannelInboundHandlerAdapter completion() {
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
