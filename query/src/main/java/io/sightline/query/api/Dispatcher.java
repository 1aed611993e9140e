package io.sightline.query.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.sightline.http.RequestIds;
import io.sightline.query.HttpCall;
import io.sightline.query.QueryException;
import io.sightline.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * Routes each request of one connection to its handler on the worker executor and writes the response. Requests of
 * a connection are answered in order: while one runs, reading pauses and pipelined ones wait here. Everything but
 * the handler and the JSON rendering runs on the connection's event loop.
 */
final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    /** Pipelined requests held per connection while one runs; more close the connection. */
    private static final int MAX_PIPELINED = 16;
    private static final String UNROUTED = "unrouted";

    private final ServerContext server;
    private final ArrayDeque<FullHttpRequest> pending = new ArrayDeque<>();
    private boolean busy;
    /** Of the request being answered; sent back as X-Request-Id and logged with its errors. */
    private String requestId;

    Dispatcher(ServerContext server) {
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (busy) {
            if (pending.size() >= MAX_PIPELINED) {
                log.debug("closing connection with too many pipelined requests [remote={}]", ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
            pending.add(req.retainedDuplicate());
            return;
        }
        dispatch(ctx, req);
    }

    private void dispatch(ChannelHandlerContext ctx, FullHttpRequest req) {
        busy = true;
        ctx.channel().config().setAutoRead(false);
        long start = System.nanoTime();
        requestId = RequestIds.next();
        boolean keepAlive = HttpUtil.isKeepAlive(req) && !server.closing().get();
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            write(ctx, UNROUTED, Reply.error(400, "bad_data", "malformed HTTP request: " + cause.getMessage(), Map.of()),
                    false, start, false);
            return;
        }
        HttpCall call;
        try {
            call = Calls.borrowing(req);
        } catch (IllegalArgumentException e) {
            write(ctx, UNROUTED, Reply.error(400, "bad_data", "malformed request URI or form body: " + e.getMessage(),
                    Map.of()), keepAlive, start, false);
            return;
        }
        Router.Routed routed = server.router().route(call.method(), call.path());
        if (routed.endpoint() == null) {
            write(ctx, UNROUTED, unrouted(routed, call), keepAlive, start, false);
            return;
        }
        Endpoint endpoint = routed.endpoint();
        server.inFlight().enter();
        // The call reads the body in place: the worker holds this reference until its handler has returned.
        ByteBuf content = req.content().retain();
        try {
            String id = requestId;
            server.executor().execute(() -> run(ctx, endpoint, call, content, keepAlive, start, id));
        } catch (RejectedExecutionException e) {
            content.release();
            server.inFlight().exit();
            Reply overloaded = Reply.error(503, "unavailable", server.overloadHint(), Map.of("retry-after", "1"));
            write(ctx, endpoint.name(), overloaded, keepAlive, start, false);
        }
    }

    /** On a worker thread. */
    private void run(ChannelHandlerContext ctx, Endpoint endpoint, HttpCall call, ByteBuf content, boolean keepAlive,
                     long start, String id) {
        Reply reply;
        // Anything the handler logs on this thread carries the request id (JSON logs print the MDC).
        MDC.put(RequestIds.MDC_KEY, id);
        try {
            reply = endpoint.handler().handle(call);
        } catch (QueryException e) {
            reply = Reply.error(e);
        } catch (StorageException e) {
            reply = Reply.error(422, "execution", e.getMessage(), Map.of());
        } catch (Throwable e) {
            log.error("HTTP handler failed [handler={}, path={}, request_id={}]", endpoint.name(), call.path(), id, e);
            reply = Reply.error(500, "internal", "internal error: " + e + " (request id " + id + ")", Map.of());
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
        }
        try {
            write(ctx, endpoint.name(), reply, keepAlive, start, true); // renders here: a reply may still read the call
        } finally {
            content.release();
        }
    }

    private static Reply unrouted(Router.Routed routed, HttpCall call) {
        if (routed.status() == 405) {
            String allowed = String.join(", ", routed.allowed());
            return Reply.error(405, "bad_data", "method " + call.method() + " is not allowed for " + call.path()
                    + "; allowed: " + allowed, Map.of("allow", allowed));
        }
        return Reply.error(404, "not_found", "unknown endpoint " + call.method() + " " + call.path(), Map.of());
    }

    private void write(ChannelHandlerContext ctx, String handler, Reply reply, boolean keepAlive, long start,
                       boolean counted) {
        FullHttpResponse response = render(ctx.alloc(), reply, handler);
        response.headers().set(RequestIds.HEADER, requestId);
        HttpUtil.setKeepAlive(response, keepAlive && !server.closing().get());
        int code = response.status().code();
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
            if (counted) {
                server.inFlight().exit();
            }
            server.metrics().record(handler, code, System.nanoTime() - start);
            next(ctx);
        });
    }

    /** After a response is written, on the event loop: the next pipelined request, or read more. */
    private void next(ChannelHandlerContext ctx) {
        busy = false;
        if (!ctx.channel().isActive()) {
            releasePending();
            return;
        }
        FullHttpRequest req = pending.poll();
        if (req == null) {
            ctx.channel().config().setAutoRead(true);
            return;
        }
        try {
            dispatch(ctx, req);
        } finally {
            req.release();
        }
    }

    static FullHttpResponse render(ByteBufAllocator alloc, Reply reply, String handler) {
        ByteBuf body;
        Reply r = reply;
        if (r.bytes() != null) {
            body = Unpooled.wrappedBuffer(r.bytes());
        } else {
            PiecedBody pieces = new PiecedBody(alloc);
            try (JsonOut out = new JsonOut(pieces)) {
                r.json().write(out);
            } catch (IOException | RuntimeException e) {
                pieces.discard();
                log.error("HTTP response rendering failed [handler={}]", handler, e);
                r = Reply.error(500, "internal", "internal error while writing the response: " + e, Map.of());
                return render(alloc, r, handler);
            }
            body = pieces.body();
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(r.status()), body);
        if (r.contentType() != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        }
        r.headers().forEach((k, v) -> response.headers().set(k, v));
        if (r.status() != 204) { // RFC 9110: a 204 carries no Content-Length
            HttpUtil.setContentLength(response, body.readableBytes());
        }
        return response;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent && !busy) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /** Failures below the aggregator: a body that does not decompress, or one that decompresses past the limit. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecompressionException || cause.getCause() instanceof DecompressionException) {
            if (!busy && ctx.channel().isActive()) {
                busy = true;
                Reply reply = tooLargeOrCorrupt(cause);
                FullHttpResponse response = render(ctx.alloc(), reply, UNROUTED);
                HttpUtil.setKeepAlive(response, false);
                server.metrics().record(UNROUTED, reply.status(), 0);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        } else if (!(cause instanceof IOException)) {
            log.debug("closing HTTP connection after an error [remote={}]", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    private Reply tooLargeOrCorrupt(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        if (message.contains("maximum size")) { // ZlibDecoder: "Decompression buffer has reached maximum size"
            return Reply.error(413, "bad_data", "request body exceeds http.max_body_bytes (" + server.maxBodyBytes()
                    + " bytes) after decompression", Map.of());
        }
        return Reply.error(400, "bad_data", "request body does not decompress: " + message, Map.of());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releasePending();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePending();
    }

    private void releasePending() {
        FullHttpRequest req;
        while ((req = pending.poll()) != null) {
            req.release();
        }
    }
}
