package io.sightline.query.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sightline.http.RequestIds;
import io.sightline.query.ApiSecurity;
import io.sightline.query.QueryException;
import io.sightline.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Serves one HTTP/2 stream as a gRPC call: checks the request head (method, content type, credentials through the
 * same {@link ApiSecurity.AccessPolicy} as HTTP/1.1), buffers the one request message up to
 * {@code http.max_body_bytes}, runs the method on the worker pool (a full pool answers UNAVAILABLE), then writes
 * each response message as it is sent and the status in trailers. A stream that is not HTTP/2 gRPC gets a plain
 * 415: HTTP/2 on this port serves gRPC only (TLS clients negotiate HTTP/1.1 for the HTTP API). One per stream;
 * everything but the method runs on the connection's event loop.
 */
final class GrpcStreamHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(GrpcStreamHandler.class);
    static final String UNROUTED = "grpc_unrouted";
    private static final String GRPC = "application/grpc";

    private final ServerContext server;
    private final ApiSecurity security;
    private final long start = System.nanoTime();
    private String handler = UNROUTED;
    private GrpcMethod method;
    private boolean isGzip;
    private CompositeByteBuf body;
    /** Set once a response or refusal has been decided; later frames are dropped. */
    private boolean isAnswered;
    private ScheduledFuture<?> readTimer;
    /** {@link System#nanoTime()} after which the call counts as cancelled, when {@code grpc-timeout} was sent. */
    private long deadlineNanos;
    private boolean hasDeadline;
    private volatile boolean isClosed;

    GrpcStreamHandler(ServerContext server, ApiSecurity security) {
        this.server = server;
        this.security = security;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (isAnswered) {
                return;
            }
            if (msg instanceof Http2HeadersFrame h) {
                onHeaders(ctx, h);
            } else if (msg instanceof Http2DataFrame d) {
                onData(ctx, d);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHeaders(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
        if (body != null) {
            // Trailers of the request: nothing in them matters here, but they end it.
            if (frame.isEndStream()) {
                complete(ctx);
            }
            return;
        }
        Http2Headers h = frame.headers();
        CharSequence contentType = h.get("content-type");
        String path = h.path() == null ? "" : h.path().toString();
        if (!"POST".contentEquals(h.method() == null ? "" : h.method()) || contentType == null
                || !contentType.toString().startsWith(GRPC)) {
            notGrpc(ctx);
            return;
        }
        ApiSecurity.Refusal refusal = security.access().check(remote(ctx), "POST", path, header(h, "authorization"));
        if (refusal != null) {
            int status = refusal.status() == 401 ? GrpcStatus.UNAUTHENTICATED
                    : refusal.status() == 429 ? GrpcStatus.RESOURCE_EXHAUSTED : GrpcStatus.UNAUTHENTICATED;
            answer(ctx, false, status, refusal.message());
            return;
        }
        method = server.grpc().method(path);
        if (method == null) {
            answer(ctx, false, GrpcStatus.UNIMPLEMENTED, "unknown gRPC method " + path + "; this server serves "
                    + server.grpc().describe());
            return;
        }
        handler = path;
        String encoding = header(h, "grpc-encoding");
        if (encoding != null && !encoding.equals("identity") && !encoding.equals("gzip")) {
            answer(ctx, false, GrpcStatus.UNIMPLEMENTED, "grpc-encoding " + encoding + " is not supported; use identity or gzip");
            return;
        }
        isGzip = "gzip".equals(encoding);
        String timeout = header(h, "grpc-timeout");
        if (timeout != null) {
            long nanos = timeoutNanos(timeout);
            if (nanos < 0) {
                answer(ctx, false, GrpcStatus.INVALID_ARGUMENT, "malformed grpc-timeout \"" + timeout + "\"");
                return;
            }
            deadlineNanos = start + nanos;
            hasDeadline = true;
        }
        body = ctx.alloc().compositeBuffer();
        long readTimeout = security.readTimeoutMillis();
        readTimer = ctx.executor().schedule(() -> answer(ctx, false, GrpcStatus.CANCELLED,
                "request not complete within http.read_timeout=" + readTimeout + "ms"), readTimeout, TimeUnit.MILLISECONDS);
        if (frame.isEndStream()) {
            complete(ctx);
        }
    }

    private void onData(ChannelHandlerContext ctx, Http2DataFrame d) {
        if (body == null) {
            answer(ctx, false, GrpcStatus.INTERNAL, "DATA before HEADERS");
            return;
        }
        // The 5-byte gRPC prefix on top of the body limit.
        long limit = (long) server.maxBodyBytes() + 5;
        if (body.readableBytes() + (long) d.content().readableBytes() > limit) {
            answer(ctx, false, GrpcStatus.RESOURCE_EXHAUSTED, "request message larger than http.max_body_bytes="
                    + server.maxBodyBytes() + " bytes");
            return;
        }
        body.addComponent(true, d.content().retain());
        if (d.isEndStream()) {
            complete(ctx);
        }
    }

    /** The whole request arrived: unframe its one message and run the method on a worker. */
    private void complete(ChannelHandlerContext ctx) {
        cancelReadTimer();
        byte[] request;
        try {
            request = unframe();
        } catch (GrpcException e) {
            answer(ctx, false, e.status(), e.getMessage());
            return;
        }
        isAnswered = true;
        server.inFlight().enter();
        Call call = new Call(ctx);
        try {
            server.executor().execute(() -> call.run(request));
        } catch (RejectedExecutionException e) {
            server.inFlight().exit();
            isAnswered = false;
            answer(ctx, false, GrpcStatus.UNAVAILABLE, server.overloadHint());
        }
    }

    private byte[] unframe() {
        ByteBuf b = body;
        if (b.readableBytes() < 5) {
            throw new GrpcException(GrpcStatus.INVALID_ARGUMENT, "no request message: a gRPC request carries one "
                    + "length-prefixed message, got " + b.readableBytes() + " bytes");
        }
        int flag = b.readUnsignedByte();
        long length = b.readUnsignedInt();
        if (length != b.readableBytes()) {
            throw new GrpcException(GrpcStatus.INVALID_ARGUMENT, "the request message announces " + length
                    + " bytes but " + b.readableBytes() + " follow (one message per call)");
        }
        if (flag == 0) {
            byte[] out = new byte[(int) length];
            b.readBytes(out);
            return out;
        }
        if (flag != 1 || !isGzip) {
            throw new GrpcException(GrpcStatus.INTERNAL, "compressed request message without grpc-encoding gzip");
        }
        try (InputStream in = new GZIPInputStream(new ByteBufInputStream(b))) {
            byte[] out = in.readNBytes(server.maxBodyBytes() + 1);
            if (out.length > server.maxBodyBytes()) {
                throw new GrpcException(GrpcStatus.RESOURCE_EXHAUSTED, "request message decompresses past "
                        + "http.max_body_bytes=" + server.maxBodyBytes() + " bytes");
            }
            return out;
        } catch (IOException e) {
            throw new GrpcException(GrpcStatus.INVALID_ARGUMENT, "request message is not valid gzip: " + e.getMessage());
        }
    }

    /** Answers without running a method: trailers only, then the stream ends. Event loop. */
    private void answer(ChannelHandlerContext ctx, boolean isHeadersSent, int status, String message) {
        if (isAnswered) {
            return;
        }
        isAnswered = true;
        cancelReadTimer();
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailers(isHeadersSent, status, message), true));
        server.metrics().record(handler, GrpcStatus.httpEquivalent(status), System.nanoTime() - start);
    }

    private void notGrpc(ChannelHandlerContext ctx) {
        isAnswered = true;
        Http2Headers h = new DefaultHttp2Headers().status("415").set("content-type", "text/plain; charset=utf-8");
        ByteBuf text = ctx.alloc().buffer();
        text.writeCharSequence("HTTP/2 on this port serves gRPC (content-type application/grpc) only; "
                + "send HTTP API requests over HTTP/1.1\n", java.nio.charset.StandardCharsets.UTF_8);
        ctx.write(new DefaultHttp2HeadersFrame(h, false));
        ctx.writeAndFlush(new DefaultHttp2DataFrame(text, true));
        server.metrics().record(UNROUTED, 415, System.nanoTime() - start);
    }

    private static Http2Headers trailers(boolean isHeadersSent, int status, String message) {
        Http2Headers h = new DefaultHttp2Headers();
        if (!isHeadersSent) {
            h.status("200").set("content-type", GRPC);
        }
        h.set("grpc-status", Integer.toString(status));
        if (message != null && !message.isEmpty()) {
            h.set("grpc-message", GrpcStatus.encodeMessage(message));
        }
        return h;
    }

    private static String header(Http2Headers h, String name) {
        CharSequence v = h.get(name);
        return v == null ? null : v.toString();
    }

    /** {@code grpc-timeout}: up to 8 digits and a unit H, M, S, m, u or n; -1 when malformed. */
    static long timeoutNanos(String v) {
        if (v.length() < 2 || v.length() > 9) {
            return -1;
        }
        long n;
        try {
            n = Long.parseLong(v.substring(0, v.length() - 1));
        } catch (NumberFormatException e) {
            return -1;
        }
        if (n < 0) {
            return -1;
        }
        return switch (v.charAt(v.length() - 1)) {
            case 'H' -> TimeUnit.HOURS.toNanos(n);
            case 'M' -> TimeUnit.MINUTES.toNanos(n);
            case 'S' -> TimeUnit.SECONDS.toNanos(n);
            case 'm' -> TimeUnit.MILLISECONDS.toNanos(n);
            case 'u' -> TimeUnit.MICROSECONDS.toNanos(n);
            case 'n' -> n;
            default -> -1;
        };
    }

    private boolean isPastDeadline() {
        return hasDeadline && System.nanoTime() - deadlineNanos > 0;
    }

    private void cancelReadTimer() {
        if (readTimer != null) {
            readTimer.cancel(false);
            readTimer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        isClosed = true;
        cancelReadTimer();
        releaseBody();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseBody();
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing gRPC stream after an error [remote={}]", remote(ctx), cause);
        ctx.close();
    }

    private static InetSocketAddress remote(ChannelHandlerContext ctx) {
        var parent = ctx.channel().parent();
        return parent != null && parent.remoteAddress() instanceof InetSocketAddress a ? a : null;
    }

    /** One running call: sends from the worker thread, which Netty hands to the event loop in order. */
    private final class Call implements GrpcMethod.Responses {
        private final ChannelHandlerContext ctx;
        private boolean isHeadersSent;

        Call(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void run(byte[] request) {
            int status = GrpcStatus.OK;
            String message = null;
            String id = RequestIds.next();
            MDC.put(RequestIds.MDC_KEY, id);
            try {
                method.call(request, this);
            } catch (GrpcException e) {
                status = e.status();
                message = e.getMessage();
            } catch (QueryException e) {
                status = GrpcStatus.of(e.type());
                if (status == GrpcStatus.CANCELLED && isPastDeadline() && !isClosed) {
                    status = GrpcStatus.DEADLINE_EXCEEDED;
                }
                message = e.getMessage();
            } catch (StorageException e) {
                status = GrpcStatus.UNKNOWN;
                message = e.getMessage();
            } catch (Throwable e) {
                log.error("gRPC method failed [method={}, request_id={}]", handler, id, e);
                status = GrpcStatus.INTERNAL;
                message = "internal error: " + e + " (request id " + id + ")";
            } finally {
                MDC.remove(RequestIds.MDC_KEY);
            }
            int code = GrpcStatus.httpEquivalent(status);
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailers(isHeadersSent, status, message), true))
                    .addListener(f -> {
                        server.inFlight().exit();
                        server.metrics().record(handler, code, System.nanoTime() - start);
                    });
        }

        @Override
        public void send(byte[] message) {
            if (isClosed) {
                return;
            }
            if (!isHeadersSent) {
                isHeadersSent = true;
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200").set("content-type", GRPC),
                        false));
            }
            ByteBuf frame = ctx.alloc().buffer(5 + message.length);
            frame.writeByte(0).writeInt(message.length).writeBytes(message);
            ctx.writeAndFlush(new DefaultHttp2DataFrame(frame, false));
        }

        @Override
        public boolean isCancelled() {
            return isClosed || isPastDeadline();
        }
    }
}
