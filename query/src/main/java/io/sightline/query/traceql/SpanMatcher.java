package io.sightline.query.traceql;

import io.sightline.query.traceql.Ast.*;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;

import java.util.function.Function;

/**
 * Evaluates span-level TraceQL expressions on one span at a time with TraceQL's semantics: a missing attribute
 * satisfies no comparison (not even {@code !=}); values of different types are never equal; regular expressions
 * must match the whole value; numbers compare across int, float and duration. Unscoped attributes are looked up on
 * the span first, then on the resource. Not thread-safe: one per query.
 */
final class SpanMatcher {
    private final Function<String, TraceInfo> traces;
    private final Val left = new Val();
    private final Val right = new Val();

    /** @param traces the trace of a trace id, for trace-level intrinsics; called only when the query uses them */
    SpanMatcher(Function<String, TraceInfo> traces) {
        this.traces = traces;
    }

    /** Whether {@code span} satisfies {@code expr}; a null expression (the filter {@code {}}) matches every span. */
    boolean matches(Expr expr, Span span) {
        if (expr == null) {
            return true;
        }
        return switch (expr) {
            case Logical g -> g.isAnd() ? matches(g.left(), span) && matches(g.right(), span)
                    : matches(g.left(), span) || matches(g.right(), span);
            case Not n -> !matches(n.expr(), span);
            case Compare c -> compare(c, span);
            case Operand o -> {
                value(o, span, left);
                yield left.type == Type.BOOL && left.l != 0;
            }
        };
    }

    private boolean compare(Compare c, Span span) {
        value(c.left(), span, left);
        if (c.right() instanceof Literal lit && lit.type() == Type.NONE) { // = nil / != nil: absent / present
            return (left.type == Type.NONE) == (c.op() == Op.EQ);
        }
        if (left.type == Type.NONE) {
            return false;
        }
        if (c.regex() != null) {
            return left.type == Type.STRING && c.regex().matcher(left.s).matches() == (c.op() == Op.RE);
        }
        value(c.right(), span, right);
        return compare(c.op(), left, right);
    }

    static boolean compare(Op op, Val a, Val b) {
        if (a.type == Type.NONE || b.type == Type.NONE) {
            return false;
        }
        int cmp;
        if (a.type.isNumeric() && b.type.isNumeric()) {
            cmp = a.type == Type.DOUBLE || b.type == Type.DOUBLE ? Double.compare(a.number(), b.number())
                    : Long.compare(a.l, b.l);
        } else if (a.type != b.type) {
            return false;
        } else if (a.type == Type.STRING) {
            cmp = a.s.compareTo(b.s);
        } else { // BOOL, STATUS, KIND: only equality is meaningful
            if (op != Op.EQ && op != Op.NEQ) {
                return false;
            }
            cmp = Long.compare(a.l, b.l);
        }
        return switch (op) {
            case EQ -> cmp == 0;
            case NEQ -> cmp != 0;
            case GT -> cmp > 0;
            case GTE -> cmp >= 0;
            case LT -> cmp < 0;
            case LTE -> cmp <= 0;
            case RE, NRE -> false;
        };
    }

    /** Fills {@code out} with the operand's value on {@code span}. */
    void value(Operand o, Span span, Val out) {
        switch (o) {
            case Literal lit -> {
                out.type = lit.type();
                out.l = lit.l();
                out.d = lit.d();
                out.s = lit.s();
            }
            case Attribute a -> attribute(a, span, out);
            case IntrinsicRef i -> intrinsic(i.intrinsic(), span, out);
        }
    }

    private static void attribute(Attribute a, Span span, Val out) {
        String scope = a.scope();
        if (!scope.equals("resource") && read(span.attributes(), a.name(), out)) {
            return;
        }
        if (!scope.equals("span") && read(span.resource(), a.name(), out)) {
            return;
        }
        out.none();
    }

    /** Reads {@code key} of {@code attrs} into {@code out}; false when absent. */
    static boolean read(Attributes attrs, String key, Val out) {
        int i = attrs.indexOf(key);
        if (i < 0) {
            return false;
        }
        switch (attrs.type(i)) {
            case INT -> out.integer(Type.INT, attrs.longValue(i));
            case DOUBLE -> out.floating(attrs.doubleValue(i));
            case BOOL -> out.bool(attrs.boolValue(i));
            default -> out.string(attrs.text(i));
        }
        return true;
    }

    private void intrinsic(Intrinsic in, Span span, Val out) {
        switch (in) {
            case NAME -> out.string(span.name());
            case STATUS -> out.integer(Type.STATUS, span.statusCode());
            case STATUS_MESSAGE -> out.string(span.statusMessage());
            case KIND -> out.integer(Type.KIND, span.kind());
            case DURATION -> out.integer(Type.DURATION, span.durationNanos());
            case SPAN_ID -> out.string(span.spanId());
            case TRACE_ID -> out.string(span.traceId());
            case NESTED_SET_PARENT -> out.integer(Type.INT, span.isRoot() ? -1 : 1);
            case ROOT_NAME, ROOT_SERVICE, TRACE_DURATION -> {
                TraceInfo t = traces.apply(span.traceId());
                if (in == Intrinsic.TRACE_DURATION) {
                    out.integer(Type.DURATION, t.durationNanos());
                } else if (!t.hasRoot()) {
                    out.none(); // no root span yet: the trace has no root name or service to compare
                } else {
                    out.string(in == Intrinsic.ROOT_NAME ? t.rootName() : t.rootService());
                }
            }
        }
    }
}
