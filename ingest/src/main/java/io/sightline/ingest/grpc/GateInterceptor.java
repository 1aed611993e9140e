package io.sightline.ingest.grpc;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.sightline.ingest.IngestMetrics;
import io.sightline.ingest.IngestSecurity;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Asks the {@link IngestSecurity.Gate} about every call from its {@code authorization} metadata before the
 * request message is read: 401 becomes UNAUTHENTICATED, anything else (429) RESOURCE_EXHAUSTED. A refused call
 * never reaches the service, so nothing of it is stored. Thread-safe.
 */
final class GateInterceptor implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> WWW_AUTHENTICATE = Metadata.Key.of("www-authenticate", Metadata.ASCII_STRING_MARSHALLER);

    private final IngestSecurity.Gate gate;
    private final IngestMetrics metrics;

    GateInterceptor(IngestSecurity.Gate gate, IngestMetrics metrics) {
        this.gate = gate;
        this.metrics = metrics;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        IngestSecurity.Refusal refusal = gate.check(remote instanceof InetSocketAddress a ? a : null, headers.get(AUTHORIZATION));
        if (refusal == null) {
            return next.startCall(call, headers);
        }
        Metadata trailers = new Metadata();
        String challenge = refusal.headers().get("WWW-Authenticate");
        if (challenge != null) {
            trailers.put(WWW_AUTHENTICATE, challenge);
        }
        Status status = refusal.status() == 401 ? Status.UNAUTHENTICATED : Status.RESOURCE_EXHAUSTED;
        metrics.request("grpc", status.getCode().name(), start);
        call.close(status.withDescription(refusal.message()), trailers);
        return new ServerCall.Listener<>() {
        };
    }
}
