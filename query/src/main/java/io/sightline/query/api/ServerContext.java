package io.sightline.query.api;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every connection of one server shares.
 *
 * @param executor     runs handlers; a full queue rejects, which answers 503
 * @param closing      set when the server stops: responses then close their connection
 * @param overloadHint the message of that 503, naming the limits that were hit
 * @param grpc         the gRPC methods served over HTTP/2
 */
record ServerContext(Router router, Executor executor, ApiMetrics metrics, InFlight inFlight, AtomicBoolean closing,
                     String overloadHint, int maxBodyBytes, ConnectionLimit connections, GrpcServices grpc) {
}
