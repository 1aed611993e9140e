package io.sightline.query.traceql;

/**
 * A mutable value holder that the evaluator fills per span and operand, so that evaluating a span allocates
 * nothing. Not thread-safe; owned by one {@link SpanMatcher}.
 */
final class Val {
    Type type = Type.NONE;
    long l;
    double d;
    String s;

    void none() {
        type = Type.NONE;
        s = null;
    }

    void string(String v) {
        type = Type.STRING;
        s = v;
    }

    void integer(Type t, long v) {
        type = t;
        l = v;
        d = v;
    }

    void floating(double v) {
        type = Type.DOUBLE;
        d = v;
    }

    void bool(boolean v) {
        type = Type.BOOL;
        l = v ? 1 : 0;
    }

    /** The number a numeric value stands for (nanoseconds for durations). */
    double number() {
        return type == Type.DOUBLE ? d : l;
    }
}
