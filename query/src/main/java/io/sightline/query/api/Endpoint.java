package io.sightline.query.api;

import io.sightline.query.HttpCall;

import java.util.Set;

/**
 * One route of the server.
 *
 * @param name    the {@code handler} label of the request metrics: the path, with a placeholder for variable parts
 * @param methods accepted methods; others get 405
 * @param path    exact path, or a prefix when {@code prefix}
 */
record Endpoint(String name, Set<String> methods, String path, boolean prefix, Handler handler) {
    /** Runs on a worker thread; may block. */
    @FunctionalInterface
    interface Handler {
        Reply handle(HttpCall call) throws Exception;
    }
}
