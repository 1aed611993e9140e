package io.sightline.ingest.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Aggregates a request body up to {@code ingest.max_request_bytes} and answers a larger one with 413 and a
 * {@code google.rpc.Status} in the request's encoding (Netty's default is an empty 413), then closes the
 * connection, since the rest of the oversized body would otherwise be read as the next request.
 */
final class BoundedAggregator extends HttpObjectAggregator {
    private final MetricsEndpoint endpoint;

    BoundedAggregator(int maxContentLength, MetricsEndpoint endpoint) {
        super(maxContentLength);
        this.endpoint = endpoint;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        long start = System.nanoTime();
        String contentType = oversized instanceof HttpRequest r ? r.headers().get(HttpHeaderNames.CONTENT_TYPE) : null;
        endpoint.count(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code(), start);
        ctx.writeAndFlush(Responses.of(endpoint.tooLarge(contentType), false)).addListener(ChannelFutureListener.CLOSE);
    }
}
