package io.sightline.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A body past the limit gets the server's own 413 and the connection closes: its rest is never read. */
class BodyLimitAggregatorTest {
    private final List<String> tooLarge = new ArrayList<>();
    private final BodyLimitAggregator.TooLarge answer = (ctx, head, maxBodyBytes) -> {
        tooLarge.add(head.headers().get("Content-Type") + " over " + maxBodyBytes);
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                Unpooled.copiedBuffer("too large", StandardCharsets.US_ASCII));
    };

    private static EmbeddedChannel channel(BodyLimitAggregator aggregator) {
        // The server codec in front so the answer is encoded the way it goes out.
        return new EmbeddedChannel(new HttpServerCodec(), aggregator);
    }

    private static void write(EmbeddedChannel ch, String bytes) {
        ch.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
    }

    private static String written(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
            ByteBuf b = (ByteBuf) o;
            out.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return out.toString();
    }

    @Test
    void aBodyOverTheLimitGetsTheServersAnswerAndTheConnectionCloses() {
        EmbeddedChannel ch = channel(new BodyLimitAggregator(4, answer));
        write(ch, "POST /x HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n12345");

        assertThat(written(ch)).startsWith("HTTP/1.1 413 Request Entity Too Large\r\n").endsWith("too large");
        assertThat(ch.isOpen()).isFalse();
        assertThat(tooLarge).containsExactly("text/plain over 4");
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aBodyWithinTheLimitIsAggregated() {
        EmbeddedChannel ch = channel(new BodyLimitAggregator(4, answer));
        write(ch, "POST /x HTTP/1.1\r\nContent-Length: 4\r\n\r\n1234");

        FullHttpRequest request = ch.readInbound();
        assertThat(request.content().toString(StandardCharsets.US_ASCII)).isEqualTo("1234");
        request.release();
        assertThat(ch.isOpen()).isTrue();
        assertThat(tooLarge).isEmpty();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
