package io.sightline.ingest.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.sightline.ingest.IngestMetrics;
import io.sightline.ingest.IngestSecurity;
import io.sightline.ingest.limit.WriteLimiter;
import io.sightline.ingest.otlp.MetricsWriter;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The OTLP/gRPC server: metrics always, logs and traces when their stores are configured (clients of an
 * unregistered service get UNIMPLEMENTED). Messages are bounded by {@code ingest.max_request_bytes} after
 * decompression (gRPC enforces it on the decompressed stream).
 */
public final class OtlpGrpcServer implements AutoCloseable {
    /** Concurrent calls one connection may have open (grpc-java's default is unlimited). */
    static final int MAX_CALLS_PER_CONNECTION = 32;

    private final Server server;
    private final EventLoopGroup loops;

    private OtlpGrpcServer(Server server, EventLoopGroup loops) {
        this.server = server;
        this.loops = loops;
    }

    /** Binds and starts serving; {@link IOException} when the address cannot be bound. */
    public static OtlpGrpcServer start(String host, int port, int maxRequestBytes, MetricsWriter writer,
                                       IngestMetrics metrics, WriteLimiter limiter, int retryAfterSeconds) throws IOException {
        return start(host, port, maxRequestBytes, writer, null, null, metrics, limiter, retryAfterSeconds);
    }

    /**
     * As above, also serving {@code LogsService/Export} through {@code logs} and {@code TraceService/Export} through
     * {@code traces} when they are not null.
     */
    public static OtlpGrpcServer start(String host, int port, int maxRequestBytes, MetricsWriter writer, LogsGrpcService logs,
                                       TracesGrpcService traces, IngestMetrics metrics, WriteLimiter limiter,
                                       int retryAfterSeconds) throws IOException {
        return start(host, port, maxRequestBytes, writer, logs, traces, metrics, limiter, retryAfterSeconds,
                IngestSecurity.none());
    }

    /**
     * As above, protected by {@code security}: TLS (and client certificates) when {@link IngestSecurity#grpcTls()}
     * is set, the gate asked for every call before its message is read, bounded metadata, idle connections, open
     * connections ({@link ConnectionLimit}) and the time a request may take to arrive
     * ({@link ReadDeadlineInterceptor}), and a request id on every call ({@link RequestIdInterceptor}).
     */
    public static OtlpGrpcServer start(String host, int port, int maxRequestBytes, MetricsWriter writer, LogsGrpcService logs,
                                       TracesGrpcService traces, IngestMetrics metrics, WriteLimiter limiter,
                                       int retryAfterSeconds, IngestSecurity security) throws IOException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        IngestSecurity.Limits limits = security.limits();
        // The connection limit needs the listening channel's pipeline, which grpc-java only exposes through a
        // channel factory; with one, it wants the event loops too. Epoll where grpc-java would pick it by default.
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        // One group accepts and serves (the listening channel takes one of its loops, as the HTTP servers' do): a
        // boss group of its own is a thread started at bind that only accepts. A loop per core, not Netty's two:
        // the loops only decode frames and hand each call to the write pool; each loop's thread starts with the
        // first connection it gets.
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory("sightline-grpc-io", true), io);
        ConnectionLimit connections = new ConnectionLimit(limits.maxConnections(), metrics);
        NettyServerBuilder builder = (security.grpcTls() == null ? NettyServerBuilder.forAddress(address)
                : NettyServerBuilder.forAddress(address, credentials(security.grpcTls())))
                .bossEventLoopGroup(loops)
                .workerEventLoopGroup(loops)
                .channelFactory(() -> {
                    ServerChannel ch = epoll ? new EpollServerSocketChannel() : new NioServerSocketChannel();
                    // Added before the bootstrap adds its acceptor, so every new connection passes the limit first.
                    ch.pipeline().addLast("connections", connections);
                    return ch;
                })
                // The service only hands the call to the write pool, so running it on the event loop is cheap.
                .directExecutor()
                .maxInboundMessageSize(maxRequestBytes)
                // Each open call may buffer up to a whole request before the service sees it: bound the calls per
                // connection (SETTINGS_MAX_CONCURRENT_STREAMS; clients queue beyond it) so one connection cannot
                // hold an unbounded number of part-sent requests. A Collector exporter runs ~10 at once.
                .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
                .maxInboundMetadataSize(limits.maxHeaderBytes())
                .maxConnectionIdle(limits.idleTimeoutMillis(), TimeUnit.MILLISECONDS)
                // The last interceptor added runs first: the request id is set before the gate may refuse the call,
                // and the read deadline starts for admitted calls only (its close passes the request id's wrapper).
                .intercept(new ReadDeadlineInterceptor(limits.readTimeoutMillis(), loops, metrics))
                .intercept(new GateInterceptor(security.gate(), metrics))
                .intercept(new RequestIdInterceptor())
                .addService(metricsService(new MetricsGrpcService(writer, metrics, limiter, retryAfterSeconds)));
        if (logs != null) {
            builder.addService(logsService(logs));
        }
        if (traces != null) {
            builder.addService(tracesService(traces));
        }
        Server server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            shutdown(loops);
            throw new IOException("cannot start OTLP/gRPC on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new OtlpGrpcServer(server, loops);
    }

    private static void shutdown(EventLoopGroup loops) {
        loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    }

    private static ServerCredentials credentials(IngestSecurity.Tls tls) {
        TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder().keyManager(tls.keys().getKeyManagers());
        if (tls.clientCa() != null) {
            b.trustManager(tls.clientCa().getTrustManagers()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
        }
        return b.build();
    }

    /**
     * {@code MetricsService/Export} with the request taken as bytes (see {@link RawBytesMarshaller}), so
     * that undecodable messages get INVALID_ARGUMENT.
     */
    private static ServerServiceDefinition metricsService(MetricsGrpcService service) {
        MethodDescriptor<byte[], ExportMetricsServiceResponse> export = MetricsServiceGrpc.getExportMethod()
                .toBuilder(new RawBytesMarshaller(), ProtoUtils.marshaller(ExportMetricsServiceResponse.getDefaultInstance()))
                .build();
        return ServerServiceDefinition.builder(MetricsServiceGrpc.SERVICE_NAME)
                .addMethod(export, ServerCalls.asyncUnaryCall(service::export))
                .build();
    }

    private static ServerServiceDefinition logsService(LogsGrpcService service) {
        MethodDescriptor<byte[], ExportLogsServiceResponse> export = LogsServiceGrpc.getExportMethod()
                .toBuilder(new RawBytesMarshaller(), ProtoUtils.marshaller(ExportLogsServiceResponse.getDefaultInstance()))
                .build();
        return ServerServiceDefinition.builder(LogsServiceGrpc.SERVICE_NAME)
                .addMethod(export, ServerCalls.asyncUnaryCall(service::export))
                .build();
    }

    private static ServerServiceDefinition tracesService(TracesGrpcService service) {
        MethodDescriptor<byte[], ExportTraceServiceResponse> export = TraceServiceGrpc.getExportMethod()
                .toBuilder(new RawBytesMarshaller(), ProtoUtils.marshaller(ExportTraceServiceResponse.getDefaultInstance()))
                .build();
        return ServerServiceDefinition.builder(TraceServiceGrpc.SERVICE_NAME)
                .addMethod(export, ServerCalls.asyncUnaryCall(service::export))
                .build();
    }

    public int port() {
        return server.getPort();
    }

    /** Refuses new calls; calls in flight go on. */
    public void stopAccepting() {
        server.shutdown();
    }

    /**
     * Waits up to {@code timeoutMillis} for calls to finish, then cancels the rest and stops the event loops.
     * Idempotent.
     */
    public void close(long timeoutMillis) {
        server.shutdown();
        try {
            if (!server.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
                server.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            // The group is ours (see start), so grpc-java leaves it running after the server terminates.
            shutdown(loops);
        }
    }

    @Override
    public void close() {
        close(5_000);
    }
}
