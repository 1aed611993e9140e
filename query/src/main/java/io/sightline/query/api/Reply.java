package io.sightline.query.api;

import io.sightline.query.HttpResult;
import io.sightline.query.QueryException;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What a handler answers: a status, headers and either ready bytes (routes of other modules) or a JSON body that
 * is streamed into the response buffer on the worker thread.
 */
record Reply(int status, String contentType, Map<String, String> headers, byte[] bytes, JsonBody json) {
    static final String JSON = "application/json";
    /** Prometheus sends at most this many warnings and as many infos, then says how many it left out. */
    static final int MAX_ANNOTATIONS = 10;

    /** Writes a JSON document. */
    @FunctionalInterface
    interface JsonBody {
        void write(JsonOut out) throws IOException;
    }

    static Reply of(HttpResult r) {
        return new Reply(r.status(), r.contentType(), r.headers(), r.body(), null);
    }

    static Reply json(int status, Map<String, String> headers, JsonBody body) {
        return new Reply(status, JSON, headers, null, body);
    }

    /** {@code {"status":"success","data":...,"warnings":[..],"infos":[..]}}; empty lists are left out, as Go's omitempty does. */
    static Reply success(JsonBody data, List<String> warnings, List<String> infos) {
        return json(200, Map.of(), out -> {
            out.gen().writeStartObject();
            out.gen().writeStringField("status", "success");
            out.gen().writeFieldName("data");
            data.write(out);
            annotations(out, "warnings", warnings, "warning");
            annotations(out, "infos", infos, "info");
            out.gen().writeEndObject();
        });
    }

    /** {@code {"status":"error","errorType":"bad_data","error":"..."}} with the status the error type maps to. */
    static Reply error(QueryException e) {
        return error(e.type().httpStatus(), e.type().apiName(), e.getMessage(), Map.of());
    }

    static Reply error(int status, String errorType, String message, Map<String, String> headers) {
        return json(status, headers, out -> {
            out.gen().writeStartObject();
            out.gen().writeStringField("status", "error");
            out.gen().writeStringField("errorType", errorType);
            out.gen().writeStringField("error", message == null ? "" : message);
            out.gen().writeEndObject();
        });
    }

    private static void annotations(JsonOut out, String field, List<String> values, String kind) throws IOException {
        if (values == null || values.isEmpty()) {
            return;
        }
        out.gen().writeFieldName(field);
        if (values.size() <= MAX_ANNOTATIONS) {
            out.stringArray(values);
            return;
        }
        out.gen().writeStartArray();
        for (String v : values.subList(0, MAX_ANNOTATIONS)) {
            out.gen().writeString(v);
        }
        out.gen().writeString((values.size() - MAX_ANNOTATIONS) + " more " + kind + " annotations omitted");
        out.gen().writeEndArray();
    }
}
