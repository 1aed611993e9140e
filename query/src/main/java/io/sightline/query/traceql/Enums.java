package io.sightline.query.traceql;

import io.sightline.storage.model.Span;

import java.util.List;

/** TraceQL's names of span status codes and kinds, and the OTLP numbers they stand for. */
final class Enums {
    static final List<String> STATUS_NAMES = List.of("unset", "ok", "error");
    static final List<String> KIND_NAMES = List.of("unspecified", "internal", "server", "client", "producer", "consumer");

    private Enums() {
    }

    static int status(String name) {
        return STATUS_NAMES.indexOf(name);
    }

    static int kind(String name) {
        return KIND_NAMES.indexOf(name);
    }

    static String statusName(int code) {
        return code >= 0 && code <= Span.STATUS_ERROR ? STATUS_NAMES.get(code) : Integer.toString(code);
    }

    static String kindName(int kind) {
        return kind >= 0 && kind <= Span.KIND_CONSUMER ? KIND_NAMES.get(kind) : Integer.toString(kind);
    }
}
