package io.sightline.query.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateEvent;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Tells HTTP/2 with prior knowledge (the connection preface {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}, as gRPC
 * clients send it in cleartext and after ALPN {@code h2}) from HTTP/1.1 by the first bytes of a connection, then
 * replaces itself with the handlers of that protocol; the bytes read so far go on to them. A request line differs
 * from the preface by its second byte at the latest ({@code POST}, {@code PUT}, {@code PATCH}), so HTTP/1.1
 * requests are never held back. One per connection; event loop only.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Adds one protocol's handlers at the end of the pipeline. */
    @FunctionalInterface
    interface Setup {
        void configure(ChannelHandlerContext ctx);
    }

    private final Setup http1;
    private final Setup http2;

    ProtocolSniffer(Setup http1, Setup http2) {
        this.http1 = http1;
        this.http2 = http2;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
                switchTo(ctx, http1);
                return;
            }
        }
        if (n == PREFACE.length) {
            switchTo(ctx, http2);
        }
    }

    private void switchTo(ChannelHandlerContext ctx, Setup setup) {
        setup.configure(ctx);
        ctx.pipeline().remove(this); // hands the bytes read so far to the handlers just added
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close(); // connected and idle without sending a byte
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
