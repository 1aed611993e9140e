package io.sightline.query.api;

/**
 * An endpoint that upgrades to a WebSocket ({@code /loki/api/v1/tail}). {@link WebSocketUpgrade} sends it the
 * upgrade requests; a plain request reaches {@link #handle} through the dispatcher like any endpoint.
 */
interface SocketHandler extends Endpoint.Handler {
    /**
     * Checks the request and prepares a session before the handshake, so that a bad parameter is answered with an
     * HTTP error. Runs on the event loop: must not block.
     *
     * @throws io.sightline.query.QueryException for a bad parameter
     */
    Session prepare(io.sightline.query.HttpCall call);

    /** One client connection after the handshake. */
    interface Session {
        /** The connection speaks WebSocket now; start sending through {@code out}. */
        void begin(Sender out);

        /** The client went away or the server stops; idempotent. */
        void end();
    }

    /** Sends to the client; thread-safe. */
    interface Sender {
        void text(byte[] utf8Json);

        /** Whether the client reads fast enough that another message would not pile up in memory. */
        boolean isWritable();

        /** Closes with a WebSocket status code (1000 normal, 1011 server error) and a reason. */
        void close(int status, String reason);
    }
}
