package io.sightline.query.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the endpoint of a request: an exact path first, else the longest matching prefix. Immutable and
 * thread-safe once built.
 */
final class Router {
    /** The outcome of a lookup: an endpoint (status 0), or 404, or 405 with the allowed methods. */
    record Routed(Endpoint endpoint, int status, Set<String> allowed) {
    }

    private final Map<String, Endpoint> exact = new HashMap<>();
    private final List<Endpoint> prefixes = new ArrayList<>();

    /** @throws IllegalArgumentException when two endpoints claim the same path */
    Router(List<Endpoint> endpoints) {
        Set<String> prefixPaths = new TreeSet<>();
        for (Endpoint e : endpoints) {
            boolean fresh = e.prefix() ? prefixPaths.add(e.path()) : exact.putIfAbsent(e.path(), e) == null;
            if (!fresh) {
                throw new IllegalArgumentException("HTTP route " + e.path() + (e.prefix() ? "*" : "")
                        + " is registered twice");
            }
            if (e.prefix()) {
                prefixes.add(e);
            }
        }
        prefixes.sort(Comparator.comparingInt((Endpoint e) -> e.path().length()).reversed());
    }

    Routed route(String method, String path) {
        Endpoint e = exact.get(path);
        if (e == null) {
            for (Endpoint p : prefixes) {
                if (path.startsWith(p.path())) {
                    e = p;
                    break;
                }
            }
        }
        if (e == null) {
            return new Routed(null, 404, Set.of());
        }
        if (!e.methods().contains(method)) {
            return new Routed(null, 405, new TreeSet<>(e.methods()));
        }
        return new Routed(e, 0, e.methods());
    }
}
