package io.sightline.ingest.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sightline.http.AccessGate;
import io.sightline.http.BodyLimitAggregator;
import io.sightline.http.RequestDeadline;
import io.sightline.http.ServerTls;
import io.sightline.ingest.IngestSecurity;
import io.sightline.ingest.limit.WriteLimiter;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The OTLP/HTTP server: {@code POST /v1/metrics} (and {@code /v1/logs}, {@code /v1/traces}) on a Netty 4.2 pipeline (codec, bounded aggregator,
 * {@link OtlpHttpHandler}). Event loops only parse HTTP and hand bodies to the {@link WriteLimiter}'s
 * pool. Start with {@link #start}; stop in two steps, {@link #stopAccepting()} then {@link #close}.
 */
public final class OtlpHttpServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;
    private final PendingResponses pending;

    private OtlpHttpServer(EventLoopGroup group, Channel channel, PendingResponses pending) {
        this.group = group;
        this.channel = channel;
        this.pending = pending;
    }

    /**
     * Binds and starts serving.
     *
     * @param maxBodyBytes the largest body accepted before decompression; larger ones get 413
     * @throws IOException when the address cannot be bound
     */
    public static OtlpHttpServer start(String host, int port, int ioThreads, int maxBodyBytes, MetricsEndpoint endpoint,
                                       WriteLimiter limiter) throws IOException {
        return start(host, port, ioThreads, maxBodyBytes, endpoint, null, null, limiter);
    }

    /**
     * As above, also serving {@code POST /v1/logs} through {@code logs} and {@code POST /v1/traces} through
     * {@code traces} when they are not null.
     */
    public static OtlpHttpServer start(String host, int port, int ioThreads, int maxBodyBytes, MetricsEndpoint endpoint,
                                       MetricsEndpoint logs, MetricsEndpoint traces, WriteLimiter limiter) throws IOException {
        return start(host, port, ioThreads, maxBodyBytes, endpoint, logs, traces, limiter, IngestSecurity.none(), () -> {
        });
    }

    /**
     * As above, protected by {@code security}: TLS when {@link IngestSecurity#httpTls()} is set, the gate asked
     * before a body is read, and the connection limits.
     *
     * @param connectionRefused called (on an event loop) for every connection closed over {@code ingest.max_connections}
     */
    public static OtlpHttpServer start(String host, int port, int ioThreads, int maxBodyBytes, MetricsEndpoint endpoint,
                                       MetricsEndpoint logs, MetricsEndpoint traces, WriteLimiter limiter,
                                       IngestSecurity security, Runnable connectionRefused) throws IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(ioThreads,
                new DefaultThreadFactory("sightline-otlp-http-io", true), NioIoHandler.newFactory());
        PendingResponses pending = new PendingResponses();
        IngestSecurity.Limits limits = security.limits();
        AtomicInteger open = new AtomicInteger();
        try {
            IngestSecurity.Tls httpTls = security.httpTls();
            SslContext tls = httpTls == null ? null : ServerTls.builder(httpTls.keys(), httpTls.clientCa()).build();
            Refusals refusals = new Refusals(security.gate(), endpoint);
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            // Past the limit the connection is closed before anything is read: OTLP exporters
                            // treat that as retryable and back off.
                            if (open.incrementAndGet() > limits.maxConnections()) {
                                open.decrementAndGet();
                                connectionRefused.run();
                                ch.close();
                                return;
                            }
                            ch.closeFuture().addListener(f -> open.decrementAndGet());
                            ChannelPipeline p = ch.pipeline();
                            if (tls != null) {
                                p.addLast("tls", tls.newHandler(ch.alloc()));
                            }
                            // The deadline also closes the connection when idle past ingest.idle_timeout.
                            RequestDeadline deadline = new RequestDeadline(limits.readTimeoutMillis(), "OTLP/HTTP",
                                    "ingest.read_timeout", true);
                            p.addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeoutMillis(), TimeUnit.MILLISECONDS))
                                    .addLast("deadline", deadline)
                                    .addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                                            .setMaxInitialLineLength(limits.maxHeaderBytes())
                                            .setMaxHeaderSize(limits.maxHeaderBytes())))
                                    .addLast("gate", new AccessGate(refusals))
                                    .addLast("aggregator", new BodyLimitAggregator(maxBodyBytes, refusals))
                                    .addLast("complete", deadline.completion())
                                    .addLast("otlp", new OtlpHttpHandler(endpoint, logs, traces, limiter, pending));
                        }
                    });
            Channel ch = b.bind(new InetSocketAddress(host, port)).sync().channel();
            return new OtlpHttpServer(group, ch, pending);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("cannot start OTLP/HTTP on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Closes the listening socket; open connections and in-flight requests go on. */
    public void stopAccepting() {
        channel.close().syncUninterruptibly();
    }

    /**
     * Waits (up to {@code timeoutMillis}) until the responses already handed over are written, then closes
     * every connection and the event loops. Call after the write pool has drained. Idempotent.
     */
    public void close(long timeoutMillis) {
        stopAccepting();
        try {
            pending.awaitNone(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS).awaitUninterruptibly(timeoutMillis + 1000);
    }

    @Override
    public void close() {
        close(5_000);
    }
}
