package io.sightline.query.api;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;

import java.util.Map;

/**
 * Aggregates a request up to {@code http.max_body_bytes} (counted after decompression, since it sits behind the
 * decompressor) and answers a larger one with 413 and a Prometheus error envelope, then closes the connection:
 * the rest of the body is not read.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {
    private final ApiMetrics metrics;

    BodyLimitAggregator(int maxBodyBytes, ApiMetrics metrics) {
        super(maxBodyBytes);
        this.metrics = metrics;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        Reply reply = Reply.error(413, "bad_data", "request body exceeds http.max_body_bytes (" + maxContentLength()
                + " bytes)", Map.of());
        FullHttpResponse response = Dispatcher.render(ctx.alloc(), reply, "oversized");
        HttpUtil.setKeepAlive(response, false);
        metrics.record("oversized", 413, 0);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
