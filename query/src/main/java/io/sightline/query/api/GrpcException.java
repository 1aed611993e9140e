package io.sightline.query.api;

/** Ends a gRPC call with a given status and message. */
final class GrpcException extends RuntimeException {
    private final int status;

    GrpcException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
