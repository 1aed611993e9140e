package io.sightline.query.api;

import java.util.Map;
import java.util.TreeMap;

/**
 * The gRPC methods served on the API port over HTTP/2, by path ({@code /package.Service/Method}). Immutable.
 */
record GrpcServices(Map<String, GrpcMethod> methods) {
    GrpcServices {
        methods = Map.copyOf(methods);
    }

    static GrpcServices none() {
        return new GrpcServices(Map.of());
    }

    /** The method at {@code path}, or null. */
    GrpcMethod method(String path) {
        return methods.get(path);
    }

    /** The served methods, for the message of an unknown one. */
    String describe() {
        return methods.isEmpty() ? "no gRPC methods" : String.join(", ", new TreeMap<>(methods).keySet());
    }
}
