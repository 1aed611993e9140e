package io.sightline.query.traceql;

import java.util.List;
import java.util.regex.Pattern;

/** The parsed form of a TraceQL query. Immutable. */
final class Ast {
    private Ast() {
    }

    /** A whole query: spanset filters combined by {@code &&}/{@code ||}, then pipeline stages. */
    record Query(Spanset spanset, List<Filter> filters, List<Stage> stages) {
    }

    /** Spanset-level expressions: a filter {@code { ... }} or two spansets joined. */
    sealed interface Spanset permits FilterRef, SpansetOp, Structural {
    }

    /** The filter number {@code index} of {@link Query#filters()}. */
    record FilterRef(int index) implements Spanset {
    }

    /** Trace-level {@code &&} (both spansets in the trace) or {@code ||} (either). */
    record SpansetOp(boolean isAnd, Spanset left, Spanset right) implements Spanset {
    }

    /**
     * A structural operation: the spans of {@code right} that stand in {@code relation} to some span of
     * {@code left} ({@code {A} > {B}}: B spans whose parent is an A span), or with {@code isNot} to none of them;
     * with {@code isUnion} ({@code &>} etc.) also the spans of {@code left} those right-hand spans relate to.
     */
    record Structural(Relation relation, boolean isNot, boolean isUnion, Spanset left, Spanset right)
            implements Spanset {
        Structural(Relation relation, boolean isNot, Spanset left, Spanset right) {
            this(relation, isNot, false, left, right);
        }
    }

    /** How a right-hand span relates to a left-hand one. */
    enum Relation {
        CHILD(">"), DESCENDANT(">>"), PARENT("<"), ANCESTOR("<<"), SIBLING("~");

        final String text;

        Relation(String text) {
            this.text = text;
        }
    }

    /** One spanset filter {@code { expr }}; {@code expr} is null for {@code {}} (every span). */
    record Filter(Expr expr, int pos) {
    }

    /** Span-level expressions inside a filter. */
    sealed interface Expr permits Logical, Not, Compare, Operand {
    }

    record Logical(boolean isAnd, Expr left, Expr right) implements Expr {
    }

    record Not(Expr expr) implements Expr {
    }

    /** {@code regex} is the compiled right side of {@code =~}/{@code !~}, else null. */
    record Compare(Op op, Operand left, Operand right, Pattern regex) implements Expr {
    }

    enum Op {
        EQ("="), NEQ("!="), GT(">"), GTE(">="), LT("<"), LTE("<="), RE("=~"), NRE("!~");

        final String text;

        Op(String text) {
            this.text = text;
        }
    }

    /** A value: an attribute, an intrinsic or a literal. */
    sealed interface Operand extends Expr permits Attribute, IntrinsicRef, Literal {
    }

    /** {@code scope} is {@code span}, {@code resource}, or {@code ""} (span first, then resource). */
    record Attribute(String scope, String name) implements Operand {
        String text() {
            return (scope.isEmpty() ? "." : scope + ".") + name;
        }
    }

    record IntrinsicRef(Intrinsic intrinsic) implements Operand {
    }

    /** A literal; numbers and durations in {@code l} / {@code d}, strings in {@code s}. */
    record Literal(Type type, long l, double d, String s) implements Operand {
        static Literal string(String s) {
            return new Literal(Type.STRING, 0, 0, s);
        }

        static Literal integer(long v) {
            return new Literal(Type.INT, v, v, null);
        }

        static Literal floating(double v) {
            return new Literal(Type.DOUBLE, 0, v, null);
        }

        static Literal duration(long nanos) {
            return new Literal(Type.DURATION, nanos, nanos, null);
        }

        static Literal bool(boolean v) {
            return new Literal(Type.BOOL, v ? 1 : 0, 0, null);
        }

        static Literal status(int code) {
            return new Literal(Type.STATUS, code, code, null);
        }

        /** {@code nil}: compared with = or != it asks whether the attribute is absent or present. */
        static Literal nil() {
            return new Literal(Type.NONE, 0, 0, null);
        }

        static Literal kind(int kind) {
            return new Literal(Type.KIND, kind, kind, null);
        }
    }

    /** Pipeline stages after the spanset expression. */
    sealed interface Stage permits FilterStage, AggregateStage, SelectStage, MetricsStage, ByStage, CoalesceStage {
    }

    /** {@code | by(x)}: splits each trace's spanset into one spanset per value of {@code operand}. */
    record ByStage(Operand operand) implements Stage {
    }

    /** {@code | coalesce()}: joins the spansets of a {@code by()} back into one. */
    record CoalesceStage() implements Stage {
    }

    /**
     * The last stage of a TraceQL metrics query, such as {@code | rate() by (resource.service.name)}: turns the
     * matching spans into time series.
     *
     * @param operand   the attribute or intrinsic of the {@code *_over_time} functions, null for rate and count
     * @param quantiles the quantiles of {@code quantile_over_time}, else empty
     * @param by        the grouping of {@code by (...)}, empty for one series
     */
    record MetricsStage(MetricsFn fn, Operand operand, List<Double> quantiles, List<Operand> by) implements Stage {
    }

    /** TraceQL's metrics functions, by their names. */
    enum MetricsFn {
        RATE("rate"), COUNT_OVER_TIME("count_over_time"), MIN_OVER_TIME("min_over_time"),
        MAX_OVER_TIME("max_over_time"), AVG_OVER_TIME("avg_over_time"), SUM_OVER_TIME("sum_over_time"),
        QUANTILE_OVER_TIME("quantile_over_time"), HISTOGRAM_OVER_TIME("histogram_over_time");

        final String text;

        MetricsFn(String text) {
            this.text = text;
        }

        static MetricsFn of(String name) {
            for (MetricsFn f : values()) {
                if (f.text.equals(name)) {
                    return f;
                }
            }
            return null;
        }
    }

    /** {@code | { expr }}: keeps only the spans of each spanset that satisfy {@code expr}. */
    record FilterStage(Expr expr) implements Stage {
    }

    /** {@code | count() > 2}, {@code | avg(duration) > 1s}; {@code operand} is null for count. */
    record AggregateStage(Aggregate fn, Operand operand, Op op, Literal value) implements Stage {
    }

    enum Aggregate { COUNT, AVG, MIN, MAX, SUM }

    /** {@code | select(span.a, resource.b)}: adds those values to the returned spans. */
    record SelectStage(List<Operand> operands) implements Stage {
    }
}
