package io.sightline.query.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpUtil;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds open connections ({@code http.max_connections}): one more is answered 503 with Retry-After and closed
 * before anything of it is read, so that a flood of connections cannot take file descriptors and memory.
 * Thread-safe; one per server.
 */
final class ConnectionLimit {
    static final String HANDLER = "connections";

    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimit(int max) {
        this.max = max;
    }

    int open() {
        return open.get();
    }

    /**
     * Counts a new connection until it closes; when it is one too many, answers it with 503 and returns false.
     */
    boolean admit(Channel ch, ApiMetrics metrics) {
        if (open.incrementAndGet() <= max) {
            ch.closeFuture().addListener(f -> open.decrementAndGet());
            return true;
        }
        open.decrementAndGet();
        Reply reply = Reply.error(503, "unavailable", "too many open connections: the limit is " + max
                + " (http.max_connections); retry later", Map.of("retry-after", "1"));
        FullHttpResponse response = Dispatcher.render(ch.alloc(), reply, HANDLER);
        HttpUtil.setKeepAlive(response, false);
        metrics.record(HANDLER, 503, 0);
        ch.pipeline().addLast(new HttpResponseEncoder());
        ch.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        return false;
    }
}
