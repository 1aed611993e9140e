package io.sightline.query.api;

import io.sightline.query.QueryException;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Tag names for Tempo's tag APIs, shared by the HTTP endpoints and the streaming gRPC methods: attribute keys seen
 * on spans in range per scope, and the TraceQL intrinsics. Thread-safe (stateless over the store).
 */
final class TempoTags {
    static final List<String> INTRINSICS = List.of("duration", "kind", "name", "rootName", "rootServiceName",
            "span:duration", "span:kind", "span:name", "span:status", "span:statusMessage", "status", "statusMessage",
            "trace:duration", "trace:rootName", "trace:rootService", "traceDuration");
    /** Most tag names or values in one answer unless the request asks for fewer. */
    static final int MAX_TAG_VALUES = 5_000;

    /** The tags of one scope, as Tempo's v2 tag names list them. */
    record ScopeTags(String name, List<String> tags) {
    }

    private final TraceStore store;

    TempoTags(TraceStore store) {
        this.store = store;
    }

    /**
     * Tempo's {@code scope}: null for all; span, resource or intrinsic; event, link and instrumentation are valid
     * and hold nothing here.
     *
     * @throws QueryException bad_data naming the value and the accepted ones
     */
    static String scope(String s) {
        if (s == null || s.isEmpty() || s.equals("all")) {
            return null;
        }
        return switch (s) {
            case "span", "resource", "intrinsic", "event", "link", "instrumentation" -> s;
            default -> throw LokiParams.invalid("scope", s,
                    "must be one of all, resource, span, intrinsic, event, link, instrumentation");
        };
    }

    /** A requested limit capped at {@link #MAX_TAG_VALUES}; 0 means the cap. */
    static int limit(int requested) {
        return requested <= 0 ? MAX_TAG_VALUES : Math.min(requested, MAX_TAG_VALUES);
    }

    /** The v1 listing: span and resource keys merged and sorted (intrinsics only when asked for by scope). */
    List<String> names(String scope, long startNanos, long endNanos, int limit) {
        TreeSet<String> names = new TreeSet<>();
        try (TraceQuerier q = store.querier(startNanos, endNanos)) {
            if (scope == null || scope.equals("span")) {
                names.addAll(q.attributeNames(TraceQuerier.Scope.SPAN));
            }
            if (scope == null || scope.equals("resource")) {
                names.addAll(q.attributeNames(TraceQuerier.Scope.RESOURCE));
            }
        }
        if ("intrinsic".equals(scope)) {
            names.addAll(INTRINSICS);
        }
        return names.stream().limit(limit).toList();
    }

    /** The v2 listing: resource, span and intrinsic scopes, each at most {@code limit} tags. */
    List<ScopeTags> scopes(String scope, long startNanos, long endNanos, int limit) {
        List<ScopeTags> out = new ArrayList<>(3);
        try (TraceQuerier q = store.querier(startNanos, endNanos)) {
            if (scope == null || scope.equals("resource")) {
                out.add(new ScopeTags("resource",
                        q.attributeNames(TraceQuerier.Scope.RESOURCE).stream().limit(limit).toList()));
            }
            if (scope == null || scope.equals("span")) {
                out.add(new ScopeTags("span", q.attributeNames(TraceQuerier.Scope.SPAN).stream().limit(limit).toList()));
            }
        }
        if (scope == null || scope.equals("intrinsic")) {
            out.add(new ScopeTags("intrinsic", INTRINSICS));
        }
        return out;
    }
}
