package io.sightline.query.api;

import io.sightline.query.QueryException;
import io.sightline.storage.StorageException;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What the Loki and Tempo APIs share: errors as plain text with the status, and the build-info document. */
final class PlainText {
    private PlainText() {
    }

    static Reply reply(int status, String message) {
        return new Reply(status, "text/plain; charset=utf-8", Map.of(), (message + "\n").getBytes(StandardCharsets.UTF_8), null);
    }

    /** Answers a QueryException with its status and a StorageException with {@code storageStatus}, as plain text. */
    static Endpoint guarded(Endpoint e, int storageStatus) {
        return new Endpoint(e.name(), e.methods(), e.path(), e.prefix(), call -> {
            try {
                return e.handler().handle(call);
            } catch (QueryException q) {
                return reply(q.type().httpStatus(), q.getMessage());
            } catch (StorageException s) {
                return reply(storageStatus, s.getMessage());
            }
        });
    }

    /** {@code /status/buildinfo} as Loki and Tempo answer it; {@code version} is the API version implemented. */
    static Reply buildInfo(String version) {
        return Reply.json(200, Map.of(), out -> {
            var g = out.gen();
            g.writeStartObject();
            g.writeStringField("version", version);
            g.writeStringField("revision", "sightline");
            g.writeStringField("branch", "main");
            g.writeStringField("buildUser", "sightline");
            g.writeStringField("buildDate", "");
            g.writeStringField("goVersion", "");
            g.writeEndObject();
        });
    }
}
