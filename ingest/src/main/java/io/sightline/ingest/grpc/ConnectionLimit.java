package io.sightline.ingest.grpc;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.sightline.ingest.IngestMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds open OTLP/gRPC connections ({@code ingest.max_connections}). grpc-java has no hook to refuse a
 * connection, so this sits in the pipeline of the listening channel, in front of the bootstrap's acceptor: it sees
 * every accepted connection before gRPC sets it up and closes one too many at once, before a byte of it is read
 * (no HTTP/2 state, no TLS handshake, no buffers). OTLP exporters treat the closed connection as UNAVAILABLE and
 * retry with backoff, while the connections already open keep being served. Thread-safe; one per server.
 */
@ChannelHandler.Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);

    private final int max;
    private final IngestMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimit(int max, IngestMetrics metrics) {
        this.max = max;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            metrics.connectionRefused("grpc");
            // DEBUG: a flood would log a line per connection; the counter is what an operator watches.
            log.debug("OTLP/gRPC connection refused [remote={}, max_connections={}]", child.remoteAddress(), max);
            // Not registered with an event loop yet: closing it directly is what the acceptor itself does on failure.
            child.unsafe().closeForcibly();
            return;
        }
        child.closeFuture().addListener(f -> open.decrementAndGet());
        ctx.fireChannelRead(child);
    }
}
