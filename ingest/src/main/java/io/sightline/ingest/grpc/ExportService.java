package io.sightline.ingest.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.sightline.ingest.IngestMetrics;
import io.sightline.ingest.limit.WriteLimiter;
import io.sightline.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One OTLP/gRPC {@code Export} method. The call arrives on a gRPC event loop (the server runs with a direct
 * executor): the message is decoded there (INVALID_ARGUMENT when it does not decode, nothing stored) and
 * handed to the {@link WriteLimiter}'s pool, or refused at once with RESOURCE_EXHAUSTED carrying a
 * {@code RetryInfo}, which OTLP exporters honour as "retry later". Subclasses decode and write one signal.
 *
 * @param <Q> the request message
 * @param <R> the response message
 */
abstract class ExportService<Q, R> {
    private static final Logger log = LoggerFactory.getLogger(ExportService.class);

    final IngestMetrics metrics;
    private final WriteLimiter limiter;
    private final int retryAfterSeconds;
    private final String protocol;
    private final String requestName;

    ExportService(IngestMetrics metrics, WriteLimiter limiter, int retryAfterSeconds, String protocol, String requestName) {
        this.metrics = metrics;
        this.limiter = limiter;
        this.retryAfterSeconds = retryAfterSeconds;
        this.protocol = protocol;
        this.requestName = requestName;
    }

    abstract Q parse(byte[] body) throws InvalidProtocolBufferException;

    /**
     * Translates, commits and counts {@code request}; returns the response (with partial success).
     *
     * @throws StorageException when the commit failed; nothing of the request is then stored
     */
    abstract R write(Q request);

    final void export(byte[] body, StreamObserver<R> observer) {
        long start = System.nanoTime();
        Q request;
        try {
            request = parse(body);
        } catch (InvalidProtocolBufferException e) {
            metrics.request(protocol, Status.Code.INVALID_ARGUMENT.name(), start);
            observer.onError(Status.INVALID_ARGUMENT
                    .withDescription("cannot decode OTLP protobuf " + requestName + ": " + e.getMessage())
                    .asRuntimeException());
            return;
        }
        // Set on this thread by RequestIdInterceptor; the write pool's lines (here and in storage) carry it too.
        String requestId = MDC.get(RequestIdInterceptor.MDC_KEY);
        if (!limiter.trySubmit(() -> write(request, observer, start, requestId))) {
            metrics.request(protocol, Status.Code.RESOURCE_EXHAUSTED.name(), start);
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

    private void write(Q request, StreamObserver<R> observer, long start, String requestId) {
        if (requestId == null) {
            write(request, observer, start);
            return;
        }
        MDC.put(RequestIdInterceptor.MDC_KEY, requestId);
        try {
            write(request, observer, start);
        } finally {
            MDC.remove(RequestIdInterceptor.MDC_KEY);
        }
    }

    private void write(Q request, StreamObserver<R> observer, long start) {
        R response;
        try {
            response = write(request);
        } catch (StorageException e) {
            // WARN as OTLP/HTTP does: data was refused; the line carries the call's request_id.
            log.warn("storage commit failed, answering UNAVAILABLE [protocol={}, request={}]", protocol, requestName, e);
            metrics.request(protocol, Status.Code.UNAVAILABLE.name(), start);
            observer.onError(Status.UNAVAILABLE.withDescription("storage could not commit the request: " + e.getMessage())
                    .withCause(e).asRuntimeException());
            return;
        } catch (RuntimeException e) {
            log.error("OTLP/gRPC export failed [request={}]", requestName, e);
            metrics.request(protocol, Status.Code.INTERNAL.name(), start);
            observer.onError(Status.INTERNAL.withDescription("internal error: " + e).asRuntimeException());
            return;
        }
        metrics.request(protocol, Status.Code.OK.name(), start);
        try {
            observer.onNext(response);
            observer.onCompleted();
        } catch (RuntimeException e) {
            // The client cancelled or the call timed out after the data was committed; nothing to undo.
            log.debug("OTLP/gRPC export answered after the call ended", e);
        }
    }
}
