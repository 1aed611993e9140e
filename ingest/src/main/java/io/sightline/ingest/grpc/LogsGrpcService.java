package io.sightline.ingest.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.sightline.ingest.IngestMetrics;
import io.sightline.ingest.limit.WriteLimiter;
import io.sightline.ingest.otlp.LogsTranslator;
import io.sightline.ingest.otlp.LogsWriter;
import io.sightline.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/gRPC {@code LogsService/Export}, with the same decode-on-the-loop, write-on-the-pool and
 * RESOURCE_EXHAUSTED-with-RetryInfo behaviour as {@link MetricsGrpcService}.
 */
public final class LogsGrpcService {
    private static final Logger log = LoggerFactory.getLogger(LogsGrpcService.class);
    private static final String PROTOCOL = "grpc_logs";

    private final LogsWriter writer;
    private final IngestMetrics metrics;
    private final WriteLimiter limiter;
    private final int retryAfterSeconds;

    public LogsGrpcService(LogsWriter writer, IngestMetrics metrics, WriteLimiter limiter, int retryAfterSeconds) {
        this.writer = writer;
        this.metrics = metrics;
        this.limiter = limiter;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    void export(byte[] body, StreamObserver<ExportLogsServiceResponse> observer) {
        long start = System.nanoTime();
        ExportLogsServiceRequest request;
        try {
            request = ExportLogsServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            metrics.request(PROTOCOL, Status.Code.INVALID_ARGUMENT.name(), start);
            observer.onError(Status.INVALID_ARGUMENT
                    .withDescription("cannot decode OTLP protobuf ExportLogsServiceRequest: " + e.getMessage())
                    .asRuntimeException());
            return;
        }
        if (!limiter.trySubmit(() -> write(request, observer, start))) {
            metrics.request(PROTOCOL, Status.Code.RESOURCE_EXHAUSTED.name(), start);
            observer.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                    .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
                    .setMessage("too many concurrent export requests (ingest.max_concurrent_requests); retry after "
                            + retryAfterSeconds + "s")
                    .addDetails(Any.pack(RetryInfo.newBuilder()
                            .setRetryDelay(Duration.newBuilder().setSeconds(retryAfterSeconds)).build()))
                    .build()));
        }
    }

    private void write(ExportLogsServiceRequest request, StreamObserver<ExportLogsServiceResponse> observer, long start) {
        LogsTranslator.Result result;
        try {
            result = writer.write(request);
        } catch (StorageException e) {
            metrics.request(PROTOCOL, Status.Code.UNAVAILABLE.name(), start);
            observer.onError(Status.UNAVAILABLE.withDescription("storage could not commit the request: " + e.getMessage())
                    .withCause(e).asRuntimeException());
            return;
        } catch (RuntimeException e) {
            log.error("OTLP/gRPC logs export failed", e);
            metrics.request(PROTOCOL, Status.Code.INTERNAL.name(), start);
            observer.onError(Status.INTERNAL.withDescription("internal error: " + e).asRuntimeException());
            return;
        }
        metrics.request(PROTOCOL, Status.Code.OK.name(), start);
        try {
            observer.onNext(result.toResponse());
            observer.onCompleted();
        } catch (RuntimeException e) {
            log.debug("OTLP/gRPC logs export answered after the call ended", e);
        }
    }
}
