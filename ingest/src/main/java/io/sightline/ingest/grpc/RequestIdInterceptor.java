package io.sightline.ingest.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.slf4j.MDC;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every OTLP/gRPC call a request id, as OTLP/HTTP and the API do for their requests: the client's
 * {@code x-request-id} metadata when it sends a usable one (so a Collector's id can be followed through), else 16
 * random hex digits. The id goes back in the response headers ({@code x-request-id}; in the trailers of a call
 * refused before any header was sent) and into the SLF4J MDC under {@code request_id} while the call's callbacks
 * run; {@link ExportService} carries it onto the write pool. Thread-safe.
 */
final class RequestIdInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> HEADER = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
    static final String MDC_KEY = "request_id";
    /** Longer client ids are replaced: an id is logged on every line of its call. */
    static final int MAX_LENGTH = 128;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String id = accept(headers.get(HEADER));
        ServerCall<Q, R> tagged = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            private boolean headersSent;

            @Override
            public void sendHeaders(Metadata responseHeaders) {
                responseHeaders.put(HEADER, id);
                headersSent = true;
                super.sendHeaders(responseHeaders);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                if (!headersSent) {
                    trailers.put(HEADER, id);
                }
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener;
        MDC.put(MDC_KEY, id);
        try {
            listener = next.startCall(tagged, headers);
        } finally {
            MDC.remove(MDC_KEY);
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                withId(id, () -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                withId(id, () -> super.onHalfClose());
            }

            @Override
            public void onCancel() {
                withId(id, () -> super.onCancel());
            }

            @Override
            public void onComplete() {
                withId(id, () -> super.onComplete());
            }
        };
    }

    /**
     * The client's id if it is 1 to {@value #MAX_LENGTH} visible ASCII characters without quotes or backslashes
     * (safe in a text or JSON log line), else a new one.
     */
    static String accept(String fromClient) {
        if (fromClient != null && !fromClient.isEmpty() && fromClient.length() <= MAX_LENGTH) {
            boolean usable = true;
            for (int i = 0; i < fromClient.length() && usable; i++) {
                char c = fromClient.charAt(i);
                usable = c > ' ' && c < 0x7f && c != '"' && c != '\\';
            }
            if (usable) {
                return fromClient;
            }
        }
        return String.format("%016x", ThreadLocalRandom.current().nextLong());
    }

    private static void withId(String id, Runnable callback) {
        MDC.put(MDC_KEY, id);
        try {
            callback.run();
        } finally {
            MDC.remove(MDC_KEY);
        }
    }
}
