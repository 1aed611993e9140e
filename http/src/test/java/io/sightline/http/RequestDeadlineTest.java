package io.sightline.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The slowloris deadline: from a request's first byte until the aggregator has it whole. */
class RequestDeadlineTest {
    private static final long TIMEOUT_MILLIS = 1_000;

    private static EmbeddedChannel channel(RequestDeadline deadline) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(deadline, new HttpServerCodec(), new HttpObjectAggregator(1024), deadline.completion());
        return ch;
    }

    private static void write(EmbeddedChannel ch, String bytes) {
        ch.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
    }

    @Test
    void closesAConnectionWhoseRequestIsNotCompleteWithinTheTimeoutOfItsFirstByte() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new RequestDeadline(TIMEOUT_MILLIS, "HTTP", "http.read_timeout", false));
        write(ch, "POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\n12");
        ch.advanceTimeBy(TIMEOUT_MILLIS - 1, TimeUnit.MILLISECONDS);
        write(ch, "34"); // bytes still trickling in do not restart the clock
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();

        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finishAndReleaseAll()).as("the bytes went on as they came").isTrue();
    }

    @Test
    void aCompleteRequestStopsTheClockAndTheNextRequestStartsItAgain() {
        EmbeddedChannel ch = channel(new RequestDeadline(TIMEOUT_MILLIS, "HTTP", "http.read_timeout", false));
        write(ch, "POST /x HTTP/1.1\r\nContent-Length: 2\r\n\r\nok");
        FullHttpRequest request = ch.readInbound();
        assertThat(request.content().toString(StandardCharsets.US_ASCII)).isEqualTo("ok");
        request.release();
        ch.advanceTimeBy(10 * TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isTrue();

        write(ch, "GET /y HTTP/1.1\r\n");
        ch.advanceTimeBy(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll(); // the codec hands on what it had of the cut request
    }

    @Test
    void closesAnIdleConnectionOnlyWhenAskedToAndOtherwisePassesTheEventOn() {
        List<Object> events = new ArrayList<>();
        EmbeddedChannel passing = new EmbeddedChannel(new RequestDeadline(TIMEOUT_MILLIS, "HTTP", "http.read_timeout",
                false), recorder(events));
        passing.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(passing.isOpen()).isTrue();
        assertThat(events).containsExactly(IdleStateEvent.ALL_IDLE_STATE_EVENT);

        EmbeddedChannel closing = new EmbeddedChannel(new RequestDeadline(TIMEOUT_MILLIS, "OTLP/HTTP",
                "ingest.read_timeout", true), recorder(events));
        assertThat(closing.isOpen()).isTrue();
        closing.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertThat(closing.isOpen()).isFalse();
        assertThat(events).hasSize(1);
    }

    private static ChannelInboundHandlerAdapter recorder(List<Object> events) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }
        };
    }
}
