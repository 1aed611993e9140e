package io.sightline.query.traceql;

import io.sightline.storage.model.Attributes;

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

    /**
     * Puts this value as a typed label (status and kind by name); a missing value puts nothing. Returns a text that
     * tells values of different types apart, for grouping.
     */
    String putLabel(Attributes.Builder labels, String name) {
        switch (type) {
            case NONE -> {
                return "";
            }
            case STRING -> labels.putString(name, s);
            case INT, DURATION -> labels.putLong(name, l);
            case DOUBLE -> labels.putDouble(name, d);
            case BOOL -> labels.putBool(name, l != 0);
            case STATUS -> labels.putString(name, Enums.statusName((int) l));
            case KIND -> labels.putString(name, Enums.kindName((int) l));
        }
        return type.ordinal() + ":" + (type == Type.STRING ? s : type == Type.DOUBLE ? Double.toString(d) : Long.toString(l));
    }
}
