package io.sightline.query.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import io.sightline.query.ApiConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API port's HTTP/2 side on embedded channels: a Netty HTTP/2 client codec talks to the real per-connection
 * pipeline (protocol sniffing, frame codec, gRPC stream handler), bytes shuttled by hand.
 */
class GrpcPipelineTest {
    private static final String ECHO = "/test.Echo/Twice";
    /** Sends the request message back twice. */
    private static final GrpcServices SERVICES = new GrpcServices(Map.of(ECHO, (request, out) -> {
        out.send(request);
        out.send(request);
    }));

    private final List<EmbeddedServer> servers = new ArrayList<>();
    private EmbeddedChannel server;
    private EmbeddedChannel client;

    private void connect(Executor executor) {
        ApiConfig config = ApiConfig.defaults();
        config = new ApiConfig(config.listenAddress(), 0, 1024, config.maxHeaderBytes(), config.workerThreads(),
                config.workerQueueCapacity(), config.idleTimeoutMillis(), config.shutdownTimeoutMillis(),
                config.maxConnections(), config.query(), config.status());
        EmbeddedServer s = new EmbeddedServer(config, executor, List.of(), SERVICES);
        servers.add(s);
        server = s.serverChannel();
        client = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(),
                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        shuttle();
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.finishAndReleaseAll();
            server.finishAndReleaseAll();
        }
        servers.forEach(EmbeddedServer::close);
    }

    /** Moves bytes both ways until neither side has more to say. */
    private void shuttle() {
        boolean moved = true;
        while (moved) {
            moved = false;
            server.runPendingTasks();
            client.runPendingTasks();
            ByteBuf b;
            while ((b = client.readOutbound()) != null) {
                server.writeInbound(b);
                moved = true;
            }
            while ((b = server.readOutbound()) != null) {
                client.writeInbound(b);
                moved = true;
            }
        }
    }

    /** Sends one request on a new stream and returns the answer's header blocks and data (as ISO-8859-1 text). */
    private List<Object> call(Http2Headers headers, ByteBuf body) {
        List<Object> out = new ArrayList<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(client).handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object o) {
                if (o instanceof Http2HeadersFrame h) {
                    out.add(h.headers());
                } else if (o instanceof Http2DataFrame d) {
                    out.add(d.content().toString(StandardCharsets.ISO_8859_1));
                }
                ReferenceCountUtil.release(o);
            }
        }).open().syncUninterruptibly().getNow();
        stream.write(new DefaultHttp2HeadersFrame(headers, body == null));
        if (body != null) {
            stream.write(new DefaultHttp2DataFrame(body, true));
        }
        stream.flush();
        shuttle();
        return out;
    }

    private static Http2Headers grpc(String path) {
        return new DefaultHttp2Headers().method("POST").scheme("http").authority("localhost").path(path)
                .set("content-type", "application/grpc").set("te", "trailers");
    }

    private static ByteBuf framed(String message) {
        byte[] m = message.getBytes(StandardCharsets.ISO_8859_1);
        return Unpooled.buffer().writeByte(0).writeInt(m.length).writeBytes(m);
    }

    private static String grpcStatus(List<Object> frames) {
        Http2Headers last = (Http2Headers) frames.getLast();
        return String.valueOf(last.get("grpc-status"));
    }

    @Test
    void aGrpcCallStreamsEachMessageThenTheStatusInTrailers() {
        connect(Runnable::run);
        List<Object> frames = call(grpc(ECHO), framed("hi"));
        assertThat(((Http2Headers) frames.getFirst()).status().toString()).isEqualTo("200");
        // DATA frames may carry several messages or parts of one: the messages are what counts.
        String data = String.join("", frames.subList(1, frames.size() - 1).stream().map(String.class::cast).toList());
        assertThat(data).isEqualTo("\0\0\0\0\2hi\0\0\0\0\2hi");
        assertThat(grpcStatus(frames)).isEqualTo("0");
    }

    @Test
    void aFullWorkerPoolAnswersUnavailableWithTheLimits() {
        connect(task -> {
            throw new RejectedExecutionException("full");
        });
        List<Object> frames = call(grpc(ECHO), framed("hi"));
        assertThat(frames).hasSize(1);
        Http2Headers h = (Http2Headers) frames.getFirst();
        assertThat(h.get("grpc-status").toString()).isEqualTo("14");
        assertThat(h.get("grpc-message").toString()).contains("http.worker_threads");
    }

    @Test
    void badFramingAndUnknownMethodsGetTheirStatus() {
        connect(Runnable::run);
        ByteBuf shortBody = Unpooled.buffer().writeByte(0).writeInt(10).writeBytes(new byte[3]);
        assertThat(grpcStatus(call(grpc(ECHO), shortBody))).isEqualTo("3");
        assertThat(grpcStatus(call(grpc(ECHO), null))).isEqualTo("3");
        assertThat(grpcStatus(call(grpc("/test.Echo/Nope"), framed("x")))).isEqualTo("12");
        assertThat(grpcStatus(call(grpc(ECHO).set("grpc-encoding", "snappy"), framed("x")))).isEqualTo("12");
        assertThat(grpcStatus(call(grpc(ECHO), framed("x".repeat(1100))))).as("past http.max_body_bytes").isEqualTo("8");
    }

    @Test
    void http2WithoutGrpcIsAnswered415PointingToHttp11() {
        connect(Runnable::run);
        Http2Headers get = new DefaultHttp2Headers().method("GET").scheme("http").authority("localhost").path("/api/echo");
        List<Object> frames = call(get, null);
        assertThat(((Http2Headers) frames.getFirst()).status().toString()).isEqualTo("415");
        assertThat((String) frames.get(1)).contains("HTTP/1.1");
    }
}
