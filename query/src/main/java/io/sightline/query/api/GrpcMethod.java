package io.sightline.query.api;

/**
 * One gRPC method with a single request message and a stream (possibly of one) of response messages.
 */
@FunctionalInterface
interface GrpcMethod {
    /**
     * Answers one call. Runs on a worker thread and may block. Returning normally ends the call with status OK
     * after the messages sent.
     *
     * @param request the request message's bytes (decompressed)
     * @throws io.sightline.query.QueryException mapped to a gRPC status ({@link GrpcStatus#of})
     * @throws GrpcException with its own status
     */
    void call(byte[] request, Responses out) throws Exception;

    /** Where a method sends its response messages. Used by the one worker thread running the call. */
    interface Responses {
        /** Sends one message now (the client sees it before the call ends); dropped once the client went away. */
        void send(byte[] message);

        /** Whether the client cancelled the call, reset its stream, or its {@code grpc-timeout} passed. */
        boolean isCancelled();
    }
}
