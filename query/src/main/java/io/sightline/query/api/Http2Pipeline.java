package io.sightline.query.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.sightline.query.ApiConfig;
import io.sightline.query.ApiSecurity;

/**
 * The handlers of an HTTP/2 connection on the API port: the frame codec (header lists bounded by
 * {@code http.max_header_bytes}, at most {@link #MAX_STREAMS} concurrent streams), one child channel per stream
 * running a {@link GrpcStreamHandler}, and a handler that closes the connection when it idles with no stream open.
 */
final class Http2Pipeline {
    /** Concurrent streams per connection; each running call holds a worker, so more would only queue. */
    static final int MAX_STREAMS = 32;

    private Http2Pipeline() {
    }

    static void configure(ChannelPipeline p, ApiConfig config, ServerContext server, ApiSecurity security) {
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(MAX_STREAMS)
                        .maxHeaderListSize(config.maxHeaderBytes()))
                .build();
        p.addLast("h2", codec);
        p.addLast("h2streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast("grpc", new GrpcStreamHandler(server, security));
            }
        }));
        p.addLast("h2idle", new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                if (evt instanceof IdleStateEvent && codec.connection().numActiveStreams() == 0) {
                    ctx.close();
                    return;
                }
                super.userEventTriggered(ctx, evt);
            }
        });
    }
}
