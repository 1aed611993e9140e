package io.sightline.ingest.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.sightline.ingest.IngestMetrics;
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
    private final Server server;

    private OtlpGrpcServer(Server server) {
        this.server = server;
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
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                // The service only hands the call to the write pool, so running it on the event loop is cheap.
                .directExecutor()
                .maxInboundMessageSize(maxRequestBytes)
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
            throw new IOException("cannot start OTLP/gRPC on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new OtlpGrpcServer(server);
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

    /** Waits up to {@code timeoutMillis} for calls to finish, then cancels the rest. Idempotent. */
    public void close(long timeoutMillis) {
        server.shutdown();
        try {
            if (!server.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
                server.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(5_000);
    }
}
