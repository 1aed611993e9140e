package io.sightline.query.promql.parser;

import io.sightline.storage.model.Matcher;

import java.util.List;

/** The PromQL abstract syntax tree. Every node knows its type and its position in the query. */
public sealed interface Expr {
    ValueType type();

    PosRange pos();

    /** How an {@code @} modifier pins evaluation time. */
    enum AtMode { NONE, TIMESTAMP, START, END }

    /** Offset and {@code @} of a selector or subquery; {@code atMillis} only for {@link AtMode#TIMESTAMP}. */
    /** {@code smoothed}: an instant selector interpolates between its neighbouring samples (experimental). */
    record Modifiers(long offsetMillis, boolean hasOffset, AtMode at, long atMillis, boolean smoothed) {
        public static final Modifiers NONE = new Modifiers(0, false, AtMode.NONE, 0);

        public Modifiers(long offsetMillis, boolean hasOffset, AtMode at, long atMillis) {
            this(offsetMillis, hasOffset, at, atMillis, false);
        }

        Modifiers withOffset(long o) {
            return new Modifiers(o, true, at, atMillis, smoothed);
        }

        Modifiers withAt(AtMode mode, long t) {
            return new Modifiers(offsetMillis, hasOffset, mode, t, smoothed);
        }

        Modifiers withSmoothed() {
            return new Modifiers(offsetMillis, hasOffset, at, atMillis, true);
        }
    }

    record NumberLiteral(double value, PosRange pos) implements Expr {
        public ValueType type() {
            return ValueType.SCALAR;
        }
    }

    record StringLiteral(String value, PosRange pos) implements Expr {
        public ValueType type() {
            return ValueType.STRING;
        }
    }

    /** {@code name{matchers}}; {@code matchers} include the {@code __name__} matcher when a name is given. */
    record VectorSelector(String name, List<Matcher> matchers, Modifiers mod, PosRange pos) implements Expr {
        public ValueType type() {
            return ValueType.VECTOR;
        }
    }

    /**
     * How a range selector picks its samples: the plain window, or (experimental) {@code anchored} (adds the
     * last sample before the window) or {@code smoothed} (interpolates values at both window edges).
     */
    enum RangeMode { PLAIN, ANCHORED, SMOOTHED }

    /** {@code selector[range]}; offset and @ live on the inner selector. */
    record MatrixSelector(VectorSelector selector, long rangeMillis, RangeMode mode, PosRange pos) implements Expr {
        public MatrixSelector(VectorSelector selector, long rangeMillis, PosRange pos) {
            this(selector, rangeMillis, RangeMode.PLAIN, pos);
        }

        public ValueType type() {
            return ValueType.MATRIX;
        }
    }

    /** {@code expr[range:step]}; {@code stepMillis} 0 means the default (the query step, or 1m at an instant). */
    record Subquery(Expr expr, long rangeMillis, long stepMillis, Modifiers mod, PosRange pos) implements Expr {
        public ValueType type() {
            return ValueType.MATRIX;
        }
    }

    record Paren(Expr expr, PosRange pos) implements Expr {
        public ValueType type() {
            return expr.type();
        }
    }

    record Unary(boolean negate, Expr expr, PosRange pos) implements Expr {
        public ValueType type() {
            return expr.type();
        }
    }

    /**
     * {@code lhs op rhs}. {@code matching} is null between scalars (or a scalar and a vector).
     */
    record Binary(BinaryOp op, Expr lhs, Expr rhs, VectorMatching matching, boolean returnBool, PosRange pos)
            implements Expr {
        public ValueType type() {
            return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR ? ValueType.SCALAR : ValueType.VECTOR;
        }
    }

    record Call(FunctionSignature function, List<Expr> args, PosRange pos) implements Expr {
        public ValueType type() {
            return function.returnType();
        }
    }

    /** {@code op by/without (grouping) ([param,] expr)}. */
    record Aggregate(AggregateOp op, Expr expr, Expr param, List<String> grouping, boolean without, PosRange pos)
            implements Expr {
        public ValueType type() {
            return ValueType.VECTOR;
        }
    }
}
