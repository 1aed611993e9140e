package io.sightline.server;

import io.sightline.ingest.IngestService;
import io.sightline.ingest.OtlpHttpReply;
import io.sightline.query.HttpResult;
import io.sightline.query.Route;

import java.util.Set;

/** Adapters between modules that must not know each other (ingest and query meet only here). */
final class Wiring {
    static final String OTLP_METRICS_PATH = "/api/v1/otlp/v1/metrics";
    static final String REMOTE_WRITE_PATH = "/api/v1/write";

    private Wiring() {
    }

    /** Prometheus 3 takes OTLP/HTTP on its API port at this path; so do we, through ingest's handler. */
    static Route otlpMetricsRoute(IngestService ingest) {
        return new Route(Set.of("POST"), OTLP_METRICS_PATH, false, call -> {
            OtlpHttpReply r = ingest.handleMetrics(call.header("content-type"), call.header("content-encoding"), call.body());
            return new HttpResult(r.status(), r.contentType(), r.headers(), r.body());
        });
    }

    /** Prometheus remote write 1.0 receiver, at the path Prometheus serves it, through ingest's handler. */
    static Route remoteWriteRoute(IngestService ingest) {
        return new Route(Set.of("POST"), REMOTE_WRITE_PATH, false, call -> {
            // The body is copied straight from the server's receive buffer into a buffer ingest reuses.
            OtlpHttpReply r = ingest.handleRemoteWrite(call.header("content-type"), call.header("content-encoding"),
                    call.content().length(), call.content()::copyTo);
            return new HttpResult(r.status(), r.contentType(), r.headers(), r.body());
        });
    }
}
