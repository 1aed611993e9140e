package io.sightline.query;

import java.util.Set;

/**
 * A route that another module (server, alerting) adds to the HTTP API server.
 *
 * @param methods  accepted methods; others get 405
 * @param path     exact path, or a prefix when {@code isPrefix}
 * @param isPrefix whether {@code path} matches as a prefix
 */
public record Route(Set<String> methods, String path, boolean isPrefix, RouteHandler handler) {
}
