package io.sightline.ingest.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.sightline.http.RequestIds;
import io.sightline.ingest.OtlpHttpReply;
import io.sightline.ingest.limit.WriteLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Routes {@code POST /v1/metrics} (and {@code /v1/logs}, {@code /v1/traces} when served) to the write pool (404 for other paths, 405 for other methods) and
 * answers 429 at once when the pool is full. The body is copied out of the pooled buffer on the event loop,
 * so the buffer is released before this handler returns (SimpleChannelInboundHandler releases the request).
 */
final class OtlpHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String METRICS_PATH = "/v1/metrics";
    static final String LOGS_PATH = "/v1/logs";
    static final String TRACES_PATH = "/v1/traces";
    private static final Logger log = LoggerFactory.getLogger(OtlpHttpHandler.class);

    private final MetricsEndpoint metricsEndpoint;
    private final MetricsEndpoint logsEndpoint;
    private final MetricsEndpoint tracesEndpoint;
    private final WriteLimiter limiter;
    private final PendingResponses pending;

    OtlpHttpHandler(MetricsEndpoint metrics, WriteLimiter limiter, PendingResponses pending) {
        this(metrics, null, null, limiter, pending);
    }

    /**
     * @param logs   the {@code /v1/logs} endpoint, or null when logs are not served
     * @param traces the {@code /v1/traces} endpoint, or null when traces are not served
     */
    OtlpHttpHandler(MetricsEndpoint metrics, MetricsEndpoint logs, MetricsEndpoint traces, WriteLimiter limiter,
                    PendingResponses pending) {
        this.metricsEndpoint = metrics;
        this.logsEndpoint = logs;
        this.tracesEndpoint = traces;
        this.limiter = limiter;
        this.pending = pending;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        long start = System.nanoTime();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String requestId = RequestIds.next();
        String uri = req.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        MetricsEndpoint endpoint = switch (path) {
            case METRICS_PATH -> metricsEndpoint;
            case LOGS_PATH -> logsEndpoint;
            case TRACES_PATH -> tracesEndpoint;
            default -> null;
        };
        if (endpoint == null) {
            metricsEndpoint.count(404, start);
            write(ctx, Responses.text(HttpResponseStatus.NOT_FOUND, "404 page not found: OTLP/HTTP serves POST "
                    + METRICS_PATH + (logsEndpoint == null ? "" : ", " + LOGS_PATH)
                    + (tracesEndpoint == null ? "" : ", " + TRACES_PATH) + "\n", keepAlive), keepAlive, requestId);
            return;
        }
        if (!req.method().equals(HttpMethod.POST)) {
            endpoint.count(405, start);
            FullHttpResponse r = Responses.text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method " + req.method()
                    + " not allowed on " + path + "; use POST\n", keepAlive);
            r.headers().set(HttpHeaderNames.ALLOW, "POST");
            write(ctx, r, keepAlive, requestId);
            return;
        }
        String contentType = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
        String contentEncoding = req.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        byte[] body = ByteBufUtil.getBytes(req.content());
        boolean submitted = limiter.trySubmit(() -> {
            OtlpHttpReply reply;
            // Lines logged while the request is handled (here and in storage) carry its id, as the API's do.
            MDC.put(RequestIds.MDC_KEY, requestId);
            try {
                reply = endpoint.handle(contentType, contentEncoding, body);
            } catch (RuntimeException e) {
                log.error("OTLP/HTTP request failed [path={}]", path, e);
                endpoint.count(500, start);
                write(ctx, Responses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e + "\n",
                        keepAlive), keepAlive, requestId);
                return;
            } finally {
                MDC.remove(RequestIds.MDC_KEY);
            }
            write(ctx, Responses.of(reply, keepAlive), keepAlive, requestId);
        });
        if (!submitted) {
            endpoint.count(429, start);
            write(ctx, Responses.of(endpoint.overloaded(contentType), keepAlive), keepAlive, requestId);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // DEBUG: a client dropping its connection is routine and not the operator's problem.
        log.debug("OTLP/HTTP connection error, closing", cause);
        ctx.close();
    }

    private void write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive, String requestId) {
        response.headers().set(RequestIds.HEADER, requestId);
        ChannelFuture written = ctx.writeAndFlush(response).addListener(pending.begin());
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
