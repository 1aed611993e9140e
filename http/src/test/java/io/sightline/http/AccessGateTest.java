package io.sightline.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The gate asks on the head, answers a refusal, drops the rest of the refused request and closes after both. */
class AccessGateTest {
    private final List<String> asked = new ArrayList<>();
    private final AccessGate.Check check = (ctx, head, remote) -> {
        asked.add(head.method() + " " + head.uri() + " " + remote);
        return head.uri().startsWith("/refused")
                ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED) : null;
    };

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    @Test
    void aRefusedRequestIsAnsweredItsBodyDroppedUnreadAndTheConnectionClosedOnceItHasEnded() {
        EmbeddedChannel ch = new EmbeddedChannel(new AccessGate(check));
        ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/refused"));
        FullHttpResponse answer = ch.readOutbound();
        assertThat(answer.status().code()).isEqualTo(401);
        answer.release();
        assertThat(ch.isOpen()).as("closing with unread bytes would reset the answer away").isTrue();

        DefaultHttpContent piece = new DefaultHttpContent(bytes("abc"));
        ch.writeInbound(piece);
        assertThat(piece.refCnt()).isZero();
        assertThat(ch.isOpen()).isTrue();
        ch.writeInbound(new DefaultLastHttpContent(bytes("def")));

        assertThat(ch.isOpen()).isFalse();
        assertThat((Object) ch.readInbound()).as("nothing of a refused request goes on").isNull();
        assertThat(asked).containsExactly("POST /refused null");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aRefusedRequestThatArrivedWholeClosesAsSoonAsItsAnswerIsWritten() {
        EmbeddedChannel ch = new EmbeddedChannel(new AccessGate(check));
        DefaultFullHttpRequest whole = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/refused",
                bytes("x"));
        ch.writeInbound(whole);
        assertThat(whole.refCnt()).isZero();
        assertThat(ch.isOpen()).isFalse();
        FullHttpResponse answer = ch.readOutbound();
        assertThat(answer.status().code()).isEqualTo(401);
        answer.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void anAcceptedRequestGoesOnWithItsBodyAndTheConnectionStaysOpen() {
        EmbeddedChannel ch = new EmbeddedChannel(new AccessGate(check));
        ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/ok"));
        ch.writeInbound(new DefaultLastHttpContent(bytes("body")));

        assertThat((Object) ch.readInbound()).isInstanceOf(HttpRequest.class);
        DefaultLastHttpContent last = ch.readInbound();
        assertThat(last.content().toString(StandardCharsets.US_ASCII)).isEqualTo("body");
        last.release();
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(ch.isOpen()).isTrue();
        assertThat(asked).containsExactly("POST /ok null");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
