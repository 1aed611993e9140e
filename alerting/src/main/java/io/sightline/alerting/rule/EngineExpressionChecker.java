package io.sightline.alerting.rule;

import io.sightline.query.QueryEngine;
import io.sightline.query.QueryException;

/**
 * Checks rule expressions with the engine's parse-only {@link QueryEngine#check}, as {@code promtool check rules}
 * does: nothing is evaluated, so loading a rule file never queries data.
 */
public final class EngineExpressionChecker implements ExpressionChecker {
    private final QueryEngine engine;

    public EngineExpressionChecker(QueryEngine engine) {
        this.engine = engine;
    }

    @Override
    public String parseError(String expr) {
        try {
            engine.check(expr);
            return null;
        } catch (QueryException e) {
            return e.getMessage();
        }
    }
}
