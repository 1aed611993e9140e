package io.sightline.query.traceql;

/** Value types of TraceQL; NONE is a missing attribute, which satisfies no comparison. */
enum Type { NONE, STRING, INT, DOUBLE, BOOL, DURATION, STATUS, KIND;

    boolean isNumeric() {
        return this == INT || this == DOUBLE || this == DURATION;
    }
}
