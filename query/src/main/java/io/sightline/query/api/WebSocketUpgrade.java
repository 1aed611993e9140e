package io.sightline.query.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.sightline.query.HttpCall;
import io.sightline.query.QueryException;


/**
 * Sits before the dispatcher: a WebSocket upgrade request for a {@link SocketHandler} route is answered with the
 * handshake, after which the connection leaves HTTP (the aggregator, compressor, keep-alive, idle timeout, request deadline and
 * dispatcher are removed) and frames go to the session. Every other message passes through untouched.
 */
final class WebSocketUpgrade extends ChannelInboundHandlerAdapter {
    /** Clients send nothing but control frames on a tail connection. */
    private static final int MAX_FRAME_BYTES = 64 * 1024;

    private final ServerContext server;

    WebSocketUpgrade(ServerContext server) {
        this.server = server;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req) || !isUpgrade(req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String path = req.uri();
        int q = path.indexOf('?');
        Router.Routed routed = server.router().route(req.method().name(), q < 0 ? path : path.substring(0, q));
        if (routed.endpoint() == null || !(routed.endpoint().handler() instanceof SocketHandler socket)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            upgrade(ctx, req, routed.endpoint().name(), socket);
        } finally {
            req.release();
        }
    }

    private static boolean isUpgrade(FullHttpRequest req) {
        return req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && req.headers().contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, String name, SocketHandler socket) {
        long start = System.nanoTime();
        SocketHandler.Session session;
        try {
            HttpCall call = Calls.from(req);
            session = socket.prepare(call);
        } catch (QueryException e) {
            reject(ctx, name, e.type().httpStatus(), e.getMessage(), start);
            return;
        } catch (IllegalArgumentException e) {
            reject(ctx, name, 400, "malformed request URI: " + e.getMessage(), start);
            return;
        }
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + req.uri(), null, true, MAX_FRAME_BYTES)
                .newHandshaker(req);
        Channel ch = ctx.channel();
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ch);
            return;
        }
        ChannelPipeline p = ctx.pipeline();
        for (String h : new String[] {"idle", "deadline", "complete", "keepAlive", "decompressor", "dispatcher"}) {
            if (p.get(h) != null) {
                p.remove(h);
            }
        }
        handshaker.handshake(ch, req).addListener((ChannelFutureListener) f -> {
            server.metrics().record(name, f.isSuccess() ? 101 : 500, System.nanoTime() - start);
            if (!f.isSuccess()) {
                session.end();
                ch.close();
                return;
            }
            ch.config().setAutoRead(true);
            p.replace(this, "websocket", new Frames(handshaker, session));
            session.begin(new ChannelSender(ch));
        });
    }

    private void reject(ChannelHandlerContext ctx, String name, int status, String message, long start) {
        Reply reply = PlainText.reply(status, message);
        FullHttpResponse response = Dispatcher.render(ctx.alloc(), reply, name);
        HttpUtil.setKeepAlive(response, false);
        server.metrics().record(name, status, System.nanoTime() - start);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** Control frames of an upgraded connection; data frames from the client are ignored, as Loki does. */
    private static final class Frames extends ChannelInboundHandlerAdapter {
        private final WebSocketServerHandshaker handshaker;
        private final SocketHandler.Session session;

        Frames(WebSocketServerHandshaker handshaker, SocketHandler.Session session) {
            this.handshaker = handshaker;
            this.session = session;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof WebSocketFrame frame)) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            switch (frame) {
                case CloseWebSocketFrame close -> {
                    session.end();
                    handshaker.close(ctx.channel(), close);
                }
                case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
                default -> frame.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            session.end();
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            session.end();
            ctx.close();
        }
    }

    private record ChannelSender(Channel ch) implements SocketHandler.Sender {
        @Override
        public void text(byte[] utf8Json) {
            ch.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8Json)));
        }

        @Override
        public boolean isWritable() {
            return ch.isWritable();
        }

        @Override
        public void close(int status, String reason) {
            ch.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
