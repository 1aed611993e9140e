package io.sightline.alerting.rule;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryEngine;
import io.sightline.query.QueryEngines;
import io.sightline.query.QueryException;
import io.sightline.query.QueryOptions;
import io.sightline.storage.Querier;
import io.sightline.storage.Queryable;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.model.Matcher;

import java.util.List;

/**
 * Checks expressions by running them on an engine over an empty store: parse errors surface as
 * {@code BAD_DATA}, while the real data is never touched. QueryEngine has no parse-only method yet.
 * TODO(alerting): use a parse-only QueryEngine method once the query module offers one #5
 */
public final class EngineExpressionChecker implements ExpressionChecker {
    private static final Queryable EMPTY = (mint, maxt) -> new Querier() {
        @Override
        public SeriesSet select(boolean sorted, Matcher... matchers) {
            return SeriesSet.EMPTY;
        }

        @Override
        public List<String> labelNames(Matcher... matchers) {
            return List.of();
        }

        @Override
        public List<String> labelValues(String name, Matcher... matchers) {
            return List.of();
        }

        @Override
        public void close() {
        }
    };

    private final QueryEngine engine;

    public EngineExpressionChecker(Meter meter) {
        this.engine = QueryEngines.promql(EMPTY, QueryConfig.defaults(), meter);
    }

    @Override
    public String parseError(String expr) {
        try {
            engine.instantQuery(expr, System.currentTimeMillis(), QueryOptions.DEFAULT);
            return null;
        } catch (QueryException e) {
            return e.type() == QueryException.ErrorType.BAD_DATA ? e.getMessage() : null;
        }
    }
}
