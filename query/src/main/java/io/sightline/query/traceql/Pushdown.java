package io.sightline.query.traceql;

import io.sightline.query.traceql.Ast.*;
import io.sightline.storage.SpanTerm;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.model.Span;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the equalities of a filter that every matching span must satisfy (its top-level {@code &&} conjuncts) and
 * turns them into {@link SpanTerm}s, so that the store answers them from postings. The evaluator still checks the
 * whole expression on every span the store returns, so a term only narrows; it never decides alone.
 *
 * <p>Terms compare {@code Attributes.stringValue}, where INT 500 reads {@code "500"} and DOUBLE 500.0 reads
 * {@code "500.0"}, but TraceQL's {@code = 500} matches both. So a numeric equality on an attribute is pushed as two
 * alternative term sets ({@link #alternatives}): one with the INT text, one with the DOUBLE text. A span's
 * attribute has one type, so the two selects return disjoint spans. Only the first numeric equality of a filter
 * gets alternatives; further ones are left to the evaluator (2^n selects would not pay). Pitfall: where the
 * attribute has no postings, the second select reads the range again. Unscoped attributes (span or resource) are
 * never pushed.
 */
final class Pushdown {
    private Pushdown() {
    }

    /**
     * Visits the spans in {@code querier}'s range that may match {@code expr}: selects with each of its
     * {@link #alternatives} in turn, until {@code visitor} stops.
     */
    static void select(TraceQuerier querier, Expr expr, TraceQuerier.Visitor visitor) {
        boolean[] isStopped = {false};
        for (List<SpanTerm> terms : alternatives(expr)) {
            querier.select(terms, span -> {
                if (visitor.span(span)) {
                    return true;
                }
                isStopped[0] = true;
                return false;
            });
            if (isStopped[0]) {
                return;
            }
        }
    }

    /** The equalities of the first term set of {@link #alternatives}: what a match surely satisfies in part. */
    static List<SpanTerm> terms(Expr expr) {
        return alternatives(expr).getFirst();
    }

    /**
     * Term sets to select with one after the other: the spans they return are disjoint, and together they hold
     * every span that {@code expr} can match.
     */
    static List<List<SpanTerm>> alternatives(Expr expr) {
        List<SpanTerm> out = new ArrayList<>();
        List<Numeric> numerics = new ArrayList<>();
        collect(expr, out, numerics);
        if (numerics.isEmpty()) {
            return List.of(out);
        }
        Numeric first = numerics.getFirst();
        for (Numeric n : numerics.subList(1, numerics.size())) {
            out.remove(n.term());
        }
        List<List<SpanTerm>> sets = new ArrayList<>(first.texts().size());
        for (String text : first.texts()) {
            List<SpanTerm> set = new ArrayList<>(out);
            SpanTerm t = first.term();
            set.set(set.indexOf(t), new SpanTerm(t.field(), t.key(), text));
            sets.add(set);
        }
        return sets;
    }

    /** A pushed attribute equality with a number, and the stored texts the number can have. */
    private record Numeric(SpanTerm term, List<String> texts) {
    }

    /**
     * The {@code stringValue} texts of the INT and DOUBLE attributes equal to a literal: both for an integral
     * value exactly representable as a double, else the one type's; empty for values not worth pushing (NaN,
     * infinities and zero, whose sign TraceQL's comparison tells apart).
     */
    private static List<String> numberTexts(Literal lit) {
        if (lit.type() == Type.INT) {
            long v = lit.l();
            return Math.abs(v) <= 1L << 53 && v != 0 ? List.of(Long.toString(v), Double.toString((double) v))
                    : List.of(Long.toString(v));
        }
        double d = lit.d();
        if (Double.isNaN(d) || Double.isInfinite(d) || d == 0) {
            return List.of();
        }
        if (d == Math.rint(d) && Math.abs(d) <= 0x1p53) {
            return List.of(Long.toString((long) d), Double.toString(d));
        }
        return List.of(Double.toString(d));
    }

    private static void collect(Expr e, List<SpanTerm> out, List<Numeric> numerics) {
        if (e instanceof Logical g && g.isAnd()) {
            collect(g.left(), out, numerics);
            collect(g.right(), out, numerics);
            return;
        }
        if (!(e instanceof Compare c) || c.op() != Op.EQ) {
            return;
        }
        if (c.right() instanceof Literal lit) {
            add(c.left(), lit, out, numerics);
        } else if (c.left() instanceof Literal lit) {
            add(c.right(), lit, out, numerics);
        }
    }

    private static void add(Operand o, Literal lit, List<SpanTerm> out, List<Numeric> numerics) {
        switch (o) {
            case IntrinsicRef i -> {
                if (lit.type() != i.intrinsic().type) {
                    return; // nil, or a constant comparison the parser let through
                }
                switch (i.intrinsic()) {
                    case NAME -> out.add(SpanTerm.name(lit.s()));
                    case STATUS -> out.add(SpanTerm.status((int) lit.l()));
                    case KIND -> out.add(SpanTerm.kind((int) lit.l()));
                    default -> {
                    }
                }
            }
            case Attribute a when !a.scope().isEmpty() -> {
                List<String> texts = switch (lit.type()) {
                    case STRING -> List.of(lit.s());
                    case INT, DOUBLE -> numberTexts(lit);
                    case BOOL -> List.of(lit.l() != 0 ? "true" : "false");
                    default -> List.of();
                };
                if (texts.isEmpty()) {
                    return;
                }
                String text = texts.getFirst();
                if (a.scope().equals("span")) {
                    out.add(SpanTerm.spanAttribute(a.name(), text));
                } else if (a.name().equals(Span.SERVICE_NAME) && lit.type() == Type.STRING) {
                    out.add(SpanTerm.service(text));
                } else {
                    out.add(SpanTerm.resourceAttribute(a.name(), text));
                }
                if (texts.size() > 1) {
                    numerics.add(new Numeric(out.getLast(), texts));
                }
            }
            default -> {
            }
        }
    }
}
