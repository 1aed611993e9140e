package io.sightline.query.api;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;

import java.nio.charset.StandardCharsets;

/** A reply rendered as the server would send it. */
record Rendered(int status, String contentType, String body) {
    static Rendered of(Reply reply) {
        FullHttpResponse r = Dispatcher.render(UnpooledByteBufAllocator.DEFAULT, reply, "test");
        try {
            return new Rendered(r.status().code(), r.headers().get("content-type"),
                    r.content().toString(StandardCharsets.UTF_8));
        } finally {
            r.release();
        }
    }

    /** The body of a reply that must be a 200. */
    static String okBody(Reply reply) {
        Rendered rendered = of(reply);
        if (rendered.status() != 200) {
            throw new AssertionError("expected 200, got " + rendered.status() + ": " + rendered.body());
        }
        return rendered.body();
    }
}
