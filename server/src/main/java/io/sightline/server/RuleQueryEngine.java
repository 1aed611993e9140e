package io.sightline.server;

import io.sightline.query.LogQueryEngine;
import io.sightline.query.QueryEngine;
import io.sightline.query.QueryException;
import io.sightline.query.QueryOptions;
import io.sightline.query.QueryResult;
import io.sightline.query.Value;

import java.util.List;

/**
 * The seam for alerting on logs: PromQL first, and an expression PromQL cannot parse but LogQL can (a
 * pipeline such as {@code |= "error"} or {@code | json} makes it LogQL) is evaluated as a LogQL metric
 * query, returning the same {@link Value} types. An expression valid in both (such as
 * {@code count_over_time({service_name="api"}[5m])}) stays PromQL; add {@code |= ""} to mean the logs.
 * Thread-safe.
 */
final class RuleQueryEngine implements QueryEngine {
    private static final int LIMIT = 1000; // only log queries use it, and a rule needs a metric query

    private final QueryEngine promql;
    private final LogQueryEngine logql;

    RuleQueryEngine(QueryEngine promql, LogQueryEngine logql) {
        this.promql = promql;
        this.logql = logql;
    }

    @Override
    public void check(String expr) {
        try {
            promql.check(expr);
        } catch (QueryException e) {
            orLogs(e, expr, () -> logql.check(expr) ? new Value.Scalar(0, 0) : null);
        }
    }

    @Override
    public QueryResult instantQuery(String expr, long timeMillis, QueryOptions options) {
        try {
            return promql.instantQuery(expr, timeMillis, options);
        } catch (QueryException e) {
            return orLogs(e, expr, () -> logql.instantQuery(expr, timeMillis * 1_000_000L, LIMIT, true).metric());
        }
    }

    @Override
    public QueryResult rangeQuery(String expr, long startMillis, long endMillis, long stepMillis, QueryOptions options) {
        try {
            return promql.rangeQuery(expr, startMillis, endMillis, stepMillis, options);
        } catch (QueryException e) {
            return orLogs(e, expr, () -> logql.rangeQuery(expr, startMillis * 1_000_000L, endMillis * 1_000_000L,
                    stepMillis * 1_000_000L, LIMIT, true).metric());
        }
    }

    private interface LogEvaluation {
        Value run();
    }

    /** Evaluates as LogQL when PromQL failed to parse; otherwise (or when LogQL fails to parse too) the PromQL error stands. */
    private static QueryResult orLogs(QueryException promqlError, String expr, LogEvaluation logs) {
        if (promqlError.type() != QueryException.ErrorType.BAD_DATA) {
            throw promqlError;
        }
        Value v;
        try {
            v = logs.run();
        } catch (QueryException e) {
            if (e.type() == QueryException.ErrorType.BAD_DATA && e.position() >= 0) {
                throw promqlError; // not LogQL either: the PromQL message is the one users expect
            }
            throw e;
        }
        if (v == null) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "a log query cannot be a rule expression; use a metric "
                    + "query such as sum(count_over_time(" + expr + " [5m])): " + expr);
        }
        return new QueryResult(v, List.of(), List.of(), null);
    }
}
