package io.sightline.ingest.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.sightline.ingest.OtlpHttpReply;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Netty responses from {@link OtlpHttpReply}s and plain-text errors. */
final class Responses {
    private Responses() {
    }

    static FullHttpResponse of(OtlpHttpReply reply, boolean keepAlive) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()),
                Unpooled.wrappedBuffer(reply.body()));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        for (Map.Entry<String, String> h : reply.headers().entrySet()) {
            r.headers().set(h.getKey(), h.getValue());
        }
        return finish(r, keepAlive);
    }

    static FullHttpResponse text(HttpResponseStatus status, String text, boolean keepAlive) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return finish(r, keepAlive);
    }

    private static FullHttpResponse finish(FullHttpResponse r, boolean keepAlive) {
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return r;
    }
}
