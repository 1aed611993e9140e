package io.sightline.alerting.rule;

import io.sightline.query.QueryException;
import io.sightline.query.QueryOptions;
import io.sightline.query.QueryResult;
import io.sightline.query.Value;
import io.sightline.storage.model.Labels;

import java.util.List;

/**
 * A rule at run time: its spec plus the health of its last evaluation. Evaluated only by its group's thread;
 * health fields are volatile for API readers.
 */
public abstract sealed class Rule permits AlertingRule, RecordingRule {
    /** One output series of an evaluation. */
    record Output(Labels labels, double value) {
    }

    final RuleSpec spec;
    volatile String health = "unknown";
    volatile String lastError = "";
    volatile long lastEvaluationMillis;
    volatile long evaluationNanos;

    Rule(RuleSpec spec) {
        this.spec = spec;
    }

    public RuleSpec spec() {
        return spec;
    }

    public String health() {
        return health;
    }

    public String lastError() {
        return lastError;
    }

    public long lastEvaluationMillis() {
        return lastEvaluationMillis;
    }

    public long evaluationNanos() {
        return evaluationNanos;
    }

    /**
     * Evaluates at {@code tsMillis}, querying at {@code queryMillis} (earlier by the group's query_offset); returns
     * the series to write (at {@code tsMillis}). Throws with a message on failure.
     */
    abstract List<Output> evaluate(long tsMillis, long queryMillis, EvalContext ctx, int limit);

    static List<Value.Sample> query(EvalContext ctx, String expr, long tsMillis) {
        QueryResult r = ctx.engine().instantQuery(expr, tsMillis, QueryOptions.DEFAULT);
        return switch (r.value()) {
            case Value.Vector v -> v.samples();
            case Value.Scalar s -> List.of(new Value.Sample(Labels.EMPTY, s.timestampMillis(), s.value()));
            default -> throw new QueryException(QueryException.ErrorType.EXECUTION,
                    "rule result is not a vector or scalar: " + r.value().resultType());
        };
    }
}
