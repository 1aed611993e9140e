package io.sightline.query;

/**
 * Handles one route of the HTTP API server. Called on a worker thread, never on an event loop, so it
 * may block; it must be thread-safe. An exception becomes a 500 with a Prometheus error envelope.
 */
@FunctionalInterface
public interface RouteHandler {
    HttpResult handle(HttpCall call) throws Exception;
}
