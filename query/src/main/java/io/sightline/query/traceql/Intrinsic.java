package io.sightline.query.traceql;

import java.util.LinkedHashMap;
import java.util.Map;

/** Intrinsic fields of spans and traces, under Tempo's old ({@code name}) and new ({@code span:name}) names. */
enum Intrinsic {
    NAME(Type.STRING, false), STATUS(Type.STATUS, false), STATUS_MESSAGE(Type.STRING, false), KIND(Type.KIND, false),
    DURATION(Type.DURATION, false), SPAN_ID(Type.STRING, false), TRACE_ID(Type.STRING, false),
    /** -1 for a root span, 1 for any other: enough for Grafana's root filter {@code nestedSetParent < 0}. */
    NESTED_SET_PARENT(Type.INT, false),
    ROOT_NAME(Type.STRING, true), ROOT_SERVICE(Type.STRING, true), TRACE_DURATION(Type.DURATION, true);

    private static final Map<String, Intrinsic> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("name", NAME);
        BY_NAME.put("span:name", NAME);
        BY_NAME.put("status", STATUS);
        BY_NAME.put("span:status", STATUS);
        BY_NAME.put("statusMessage", STATUS_MESSAGE);
        BY_NAME.put("span:statusMessage", STATUS_MESSAGE);
        BY_NAME.put("kind", KIND);
        BY_NAME.put("span:kind", KIND);
        BY_NAME.put("duration", DURATION);
        BY_NAME.put("span:duration", DURATION);
        BY_NAME.put("span:id", SPAN_ID);
        BY_NAME.put("trace:id", TRACE_ID);
        BY_NAME.put("nestedSetParent", NESTED_SET_PARENT);
        BY_NAME.put("rootName", ROOT_NAME);
        BY_NAME.put("trace:rootName", ROOT_NAME);
        BY_NAME.put("rootServiceName", ROOT_SERVICE);
        BY_NAME.put("trace:rootService", ROOT_SERVICE);
        BY_NAME.put("traceDuration", TRACE_DURATION);
        BY_NAME.put("trace:duration", TRACE_DURATION);
    }

    final Type type;
    /** Needs the whole trace (its root span and its extent), not just the span. */
    final boolean isTraceLevel;

    Intrinsic(Type type, boolean isTraceLevel) {
        this.type = type;
        this.isTraceLevel = isTraceLevel;
    }

    /** The intrinsic of a name, or null. */
    static Intrinsic of(String name) {
        return BY_NAME.get(name);
    }

    /** The key under which a matched span shows this intrinsic in search results, as Tempo names it. */
    String resultKey() {
        return switch (this) {
            case NAME -> "name";
            case STATUS -> "status";
            case STATUS_MESSAGE -> "statusMessage";
            case KIND -> "kind";
            case DURATION -> "duration";
            case SPAN_ID -> "span:id";
            case TRACE_ID -> "trace:id";
            case NESTED_SET_PARENT -> "nestedSetParent";
            case ROOT_NAME -> "rootName";
            case ROOT_SERVICE -> "rootServiceName";
            case TRACE_DURATION -> "traceDuration";
        };
    }

    /** The name a query writes it with (the old, unscoped one where there is one). */
    String traceQlName() {
        for (Map.Entry<String, Intrinsic> e : BY_NAME.entrySet()) {
            if (e.getValue() == this) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("BUG: intrinsic " + this + " has no name");
    }
}
