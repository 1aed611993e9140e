package io.sightline.ingest.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.sightline.ingest.IngestMetrics;
import io.sightline.ingest.limit.WriteLimiter;
import io.sightline.ingest.otlp.MetricsWriter;
import io.sightline.ingest.otlp.TranslationResult;
import io.sightline.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/gRPC {@code MetricsService/Export}. The call arrives on a gRPC event loop (the server runs with a
 * direct executor): the message is decoded there (INVALID_ARGUMENT when it does not decode, nothing
 * stored) and handed to the {@link WriteLimiter}'s pool, or refused at once with RESOURCE_EXHAUSTED
 * carrying a {@code RetryInfo}, which OTLP exporters honour as "retry later".
 */
final class MetricsGrpcService {
    private static final Logger log = LoggerFactory.getLogger(MetricsGrpcService.class);
    private static final String PROTOCOL = "grpc";

    private final MetricsWriter writer;
    private final IngestMetrics metrics;
    private final WriteLimiter limiter;
    private final int retryAfterSeconds;

    MetricsGrpcService(MetricsWriter writer, IngestMetrics metrics, WriteLimiter limiter, int retryAfterSeconds) {
        this.writer = writer;
        this.metrics = metrics;
        this.limiter = limiter;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    void export(byte[] body, StreamObserver<ExportMetricsServiceResponse> observer) {
        long start = System.nanoTime();
        ExportMetricsServiceRequest request;
        try {
            request = ExportMetricsServiceRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            metrics.request(PROTOCOL, Status.Code.INVALID_ARGUMENT.name(), start);
            observer.onError(Status.INVALID_ARGUMENT
                    .withDescription("cannot decode OTLP protobuf ExportMetricsServiceRequest: " + e.getMessage())
                    .asRuntimeException());
            return;
        }
        if (!limiter.trySubmit(() -> write(request, observer, start))) {
            metrics.request(PROTOCOL, Status.Code.RESOURCE_EXHAUSTED.name(), start);
            com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                    .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
                    .setMessage("too many concurrent export requests (ingest.max_concurrent_requests); retry after "
                            + retryAfterSeconds + "s")
                    .addDetails(Any.pack(RetryInfo.newBuilder()
                            .setRetryDelay(Duration.newBuilder().setSeconds(retryAfterSeconds)).build()))
                    .build();
            observer.onError(StatusProto.toStatusRuntimeException(status));
        }
    }

    private void write(ExportMetricsServiceRequest request, StreamObserver<ExportMetricsServiceResponse> observer, long start) {
        TranslationResult result;
        try {
            result = writer.write(request);
        } catch (StorageException e) {
            metrics.request(PROTOCOL, Status.Code.UNAVAILABLE.name(), start);
            observer.onError(Status.UNAVAILABLE.withDescription("storage could not commit the request: " + e.getMessage())
                    .withCause(e).asRuntimeException());
            return;
        } catch (RuntimeException e) {
            log.error("OTLP/gRPC export failed", e);
            metrics.request(PROTOCOL, Status.Code.INTERNAL.name(), start);
            observer.onError(Status.INTERNAL.withDescription("internal error: " + e).asRuntimeException());
            return;
        }
        metrics.record(result);
        metrics.request(PROTOCOL, Status.Code.OK.name(), start);
        try {
            observer.onNext(result.toResponse());
            observer.onCompleted();
        } catch (RuntimeException e) {
            // The client cancelled or the call timed out after the data was committed; nothing to undo.
            log.debug("OTLP/gRPC export answered after the call ended", e);
        }
    }
}
