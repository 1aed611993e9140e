package io.sightline.ingest.grpc;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.sightline.ingest.IngestMetrics;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ingest.read_timeout} for OTLP/gRPC: a call whose request has not arrived completely (the client has not
 * half-closed) within the timeout is closed with DEADLINE_EXCEEDED, so a client trickling a message, or opening
 * streams and never finishing them, cannot hold the buffered bytes of its partial messages. gRPC's own idle limit
 * does not help there: a connection with an open call is not idle. Thread-safe.
 *
 * <p>Pitfall: the timer closes the call from another thread. That is safe only because nothing else uses the call
 * before the request is complete (a unary service starts at half-close); the {@code settled} flag hands the call to
 * exactly one of the two, the timer or the service.
 */
final class ReadDeadlineInterceptor implements ServerInterceptor {
    private final long timeoutMillis;
    private final ScheduledExecutorService timer;
    private final IngestMetrics metrics;

    ReadDeadlineInterceptor(long timeoutMillis, ScheduledExecutorService timer, IngestMetrics metrics) {
        this.timeoutMillis = timeoutMillis;
        this.timer = timer;
        this.metrics = metrics;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        ServerCall.Listener<Q> listener = next.startCall(call, headers);
        AtomicBoolean settled = new AtomicBoolean();
        ScheduledFuture<?> expiry = timer.schedule(() -> {
            if (settled.compareAndSet(false, true)) {
                metrics.request("grpc", Status.Code.DEADLINE_EXCEEDED.name(), start);
                call.close(Status.DEADLINE_EXCEEDED.withDescription("the request did not arrive completely within "
                        + timeoutMillis + "ms (ingest.read_timeout)"), new Metadata());
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                if (!settled.get()) {
                    super.onMessage(message);
                }
            }

            @Override
            public void onHalfClose() {
                if (settled.compareAndSet(false, true)) {
                    expiry.cancel(false);
                    super.onHalfClose();
                }
            }

            @Override
            public void onCancel() {
                settled.set(true);
                expiry.cancel(false);
                super.onCancel();
            }

            @Override
            public void onComplete() {
                expiry.cancel(false);
                super.onComplete();
            }
        };
    }
}
