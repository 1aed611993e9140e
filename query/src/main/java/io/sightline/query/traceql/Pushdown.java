package io.sightline.query.traceql;

import io.sightline.query.traceql.Ast.*;
import io.sightline.storage.SpanTerm;
import io.sightline.storage.model.Span;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the equalities of a filter that every matching span must satisfy (its top-level {@code &&} conjuncts) and
 * turns them into {@link SpanTerm}s, so that the store answers them from postings. The evaluator still checks the
 * whole expression on every span the store returns, so a term only narrows; it never decides alone.
 *
 * <p>Pitfall: terms compare {@code Attributes.stringValue}, so an int literal is pushed as its decimal text; a
 * DOUBLE attribute holding an integral value (500.0) is then not found by {@code = 500}. Float literals and
 * unscoped attributes (span or resource) are never pushed.
 */
final class Pushdown {
    private Pushdown() {
    }

    static List<SpanTerm> terms(Expr expr) {
        List<SpanTerm> out = new ArrayList<>();
        collect(expr, out);
        return out;
    }

    private static void collect(Expr e, List<SpanTerm> out) {
        if (e instanceof Logical g && g.isAnd()) {
            collect(g.left(), out);
            collect(g.right(), out);
            return;
        }
        if (!(e instanceof Compare c) || c.op() != Op.EQ) {
            return;
        }
        if (c.right() instanceof Literal lit) {
            add(c.left(), lit, out);
        } else if (c.left() instanceof Literal lit) {
            add(c.right(), lit, out);
        }
    }

    private static void add(Operand o, Literal lit, List<SpanTerm> out) {
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
                String text = switch (lit.type()) {
                    case STRING -> lit.s();
                    case INT -> Long.toString(lit.l());
                    case BOOL -> lit.l() != 0 ? "true" : "false";
                    default -> null;
                };
                if (text == null) {
                    return;
                }
                if (a.scope().equals("span")) {
                    out.add(SpanTerm.spanAttribute(a.name(), text));
                } else if (a.name().equals(Span.SERVICE_NAME) && lit.type() == Type.STRING) {
                    out.add(SpanTerm.service(text));
                } else {
                    out.add(SpanTerm.resourceAttribute(a.name(), text));
                }
            }
            default -> {
            }
        }
    }
}
