package io.sightline.query;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.query.promql.engine.PromqlEngine;
import io.sightline.storage.Queryable;

/** Creates query engines; the only way other modules obtain one. */
public final class QueryEngines {
    private QueryEngines() {
    }

    /** A PromQL engine reading from {@code queryable}, recording self-metrics through {@code meter}. */
    public static QueryEngine promql(Queryable queryable, QueryConfig config, Meter meter) {
        return new PromqlEngine(queryable, config, meter);
    }
}
