package io.sightline.query.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.compression.DeflateOptions;
import io.netty.handler.codec.compression.GzipOptions;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.ssl.SslContext;
import io.sightline.http.AccessGate;
import io.sightline.http.BodyLimitAggregator;
import io.sightline.http.RequestDeadline;
import io.sightline.query.ApiConfig;
import io.sightline.query.ApiSecurity;

import java.util.concurrent.TimeUnit;

/**
 * The handlers of one connection (after the connection limit), in order: TLS when configured, idle timeout, then
 * by the first bytes either HTTP/2 for gRPC ({@link Http2Pipeline}) or HTTP/1.1: the whole-request deadline, HTTP codec with bounded request line and headers, the access gate (credentials, rate),
 * gzip/deflate of responses (Grafana asks for gzip), keep-alive, bounded decompression of request bodies, the
 * body-size limit (413), WebSocket upgrades
 * (live tail), then the dispatcher.
 */
final class Pipeline {
    /** Responses smaller than this go uncompressed: compressing them costs more than it saves. */
    static final int COMPRESS_MIN_BYTES = 1024;
    /**
     * Responses are compressed at level 1, not zlib's default 6: Grafana asks for gzip on every query, and level 6 ran
     * at 23 MB/s here, so a 720 KB matrix (100 series x 201 points) took 31 ms to compress against 7 ms at level 1,
     * for 2.78x instead of 3.20x smaller (benchmarks/RESULTS.md, session 10). Window and memory level are zlib's
     * defaults, which keeps Netty on the JDK's native zlib.
     */
    private static final int COMPRESSION_LEVEL = 1;
    private static final GzipOptions GZIP = StandardCompressionOptions.gzip(COMPRESSION_LEVEL, 15, 8);
    private static final DeflateOptions DEFLATE = StandardCompressionOptions.deflate(COMPRESSION_LEVEL, 15, 8);

    private Pipeline() {
    }

    /** Sets up a new plain-HTTP connection without access checks. */
    static void configure(Channel ch, ApiConfig config, ServerContext server) {
        configure(ch, config, server, null, ApiSecurity.none());
    }

    /**
     * Sets up a new connection, or answers it 503 and closes it when there are too many.
     *
     * @param tls null for plain HTTP
     */
    static void configure(Channel ch, ApiConfig config, ServerContext server, SslContext tls, ApiSecurity security) {
        if (tls == null && !server.connections().admit(ch, server.metrics())) {
            return;
        }
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            // The 503 of a connection past the limit must be encrypted too; SslHandler's own handshake timeout
            // (10 s) bounds clients that never finish the handshake.
            p.addLast("tls", tls.newHandler(ch.alloc()));
            if (!server.connections().admit(ch, server.metrics())) {
                return;
            }
        }
        p.addLast("idle", new IdleStateHandler(0, 0, config.idleTimeoutMillis(), TimeUnit.MILLISECONDS));
        p.addLast("sniff", new ProtocolSniffer(ctx -> http1(ctx.pipeline(), config, server, security),
                ctx -> Http2Pipeline.configure(ctx.pipeline(), config, server, security)));
    }

    /** The HTTP/1.1 handlers, after the idle timeout. */
    private static void http1(ChannelPipeline p, ApiConfig config, ServerContext server, ApiSecurity security) {
        // Idleness is the dispatcher's to judge (it keeps a connection whose request is still running).
        RequestDeadline deadline = new RequestDeadline(security.readTimeoutMillis(), "HTTP", "http.read_timeout", false);
        Refusals refusals = new Refusals(security.access(), server.metrics());
        p.addLast("deadline", deadline);
        p.addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(config.maxHeaderBytes())
                .setMaxHeaderSize(config.maxHeaderBytes())));
        p.addLast("gate", new AccessGate(refusals));
        p.addLast("compressor", new HttpContentCompressor(COMPRESS_MIN_BYTES, GZIP, DEFLATE));
        p.addLast("keepAlive", new HttpServerKeepAliveHandler());
        p.addLast("decompressor", new SnappyPassingDecompressor(config.maxBodyBytes()));
        p.addLast("aggregator", new BodyLimitAggregator(config.maxBodyBytes(), refusals));
        p.addLast("complete", deadline.completion());
        p.addLast("upgrade", new WebSocketUpgrade(server));
        p.addLast("dispatcher", new Dispatcher(server));
    }

    /**
     * Decompresses request bodies except {@code Content-Encoding: snappy}: Netty would read that as snappy's
     * framed format, but Prometheus remote write ({@code /api/v1/write}) sends snappy's block format, which the
     * route decodes itself with its own size bound.
     */
    private static final class SnappyPassingDecompressor extends HttpContentDecompressor {
        SnappyPassingDecompressor(int maxAllocation) {
            super(false, maxAllocation);
        }

        @Override
        protected EmbeddedChannel newContentDecoder(String contentEncoding) throws Exception {
            return "snappy".equalsIgnoreCase(contentEncoding.strip()) ? null : super.newContentDecoder(contentEncoding);
        }
    }
}
