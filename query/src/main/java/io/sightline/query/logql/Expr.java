package io.sightline.query.logql;

import io.sightline.storage.model.Matcher;

import java.util.List;

/** The LogQL syntax tree. */
sealed interface Expr {
    /** {@code {matchers} pipeline}: a log query, or the inside of a range aggregation. */
    record LogSelector(List<Matcher> matchers, List<Stage> stages) implements Expr {
    }

    /**
     * {@code fn(selector [range] offset)}; {@code unwrap} is set for the unwrapped functions, {@code param}
     * for {@code quantile_over_time}.
     */
    record RangeAggregation(String fn, LogSelector selector, long rangeNanos, long offsetNanos, Stage.Unwrap unwrap,
                            double param, Grouping grouping) implements Expr {
    }

    /** {@code op by|without (labels) (param, inner)}. */
    record VectorAggregation(String op, Grouping grouping, double param, Expr inner) implements Expr {
    }

    /**
     * Arithmetic and comparison between metric expressions or numbers; {@code bool} for comparisons;
     * {@code matching} null when the vectors match on all labels.
     */
    record Binary(String op, Expr left, Expr right, boolean returnBool, Matching matching) implements Expr {
        Binary(String op, Expr left, Expr right, boolean returnBool) {
            this(op, left, right, returnBool, null);
        }
    }

    /**
     * {@code on (labels)} ({@code on} true) or {@code ignoring (labels)}, then {@code group_left (include)} or
     * {@code group_right (include)} ({@code group} "left"/"right"), or one-to-one ({@code group} null).
     */
    record Matching(boolean on, List<String> labels, String group, List<String> include) {
    }

    record NumberLiteral(double value) implements Expr {
    }

    /** {@code vector(n)}. */
    record VectorLiteral(double value) implements Expr {
    }

    /** {@code by (labels)} when {@code without} is false; null grouping means "aggregate everything". */
    record Grouping(boolean without, List<String> labels) {
    }
}
