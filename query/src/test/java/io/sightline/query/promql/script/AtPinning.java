package io.sightline.query.promql.script;

import io.sightline.query.promql.parser.Expr;

import java.util.ArrayList;
import java.util.List;

/**
 * Sets {@code @ t} on every selector and subquery that has none, but not inside a subquery that has one
 * (its inner steps must stay free), as Prometheus's test harness does for its @-invariance check.
 */
final class AtPinning {
    private AtPinning() {
    }

    static Expr pin(Expr e, long t) {
        return switch (e) {
            case Expr.VectorSelector vs -> new Expr.VectorSelector(vs.name(), vs.matchers(), pinned(vs.mod(), t), vs.pos());
            case Expr.MatrixSelector ms -> new Expr.MatrixSelector((Expr.VectorSelector) pin(ms.selector(), t),
                    ms.rangeMillis(), ms.mode(), ms.pos());
            case Expr.Subquery sq -> sq.mod().at() != Expr.AtMode.NONE ? sq
                    : new Expr.Subquery(sq.expr(), sq.rangeMillis(), sq.stepMillis(), pinned(sq.mod(), t), sq.pos());
            case Expr.Paren p -> new Expr.Paren(pin(p.expr(), t), p.pos());
            case Expr.Unary u -> new Expr.Unary(u.negate(), pin(u.expr(), t), u.pos());
            case Expr.Binary b -> new Expr.Binary(b.op(), pin(b.lhs(), t), pin(b.rhs(), t), b.matching(), b.returnBool(),
                    b.pos());
            case Expr.Aggregate a -> new Expr.Aggregate(a.op(), pin(a.expr(), t), a.param() == null ? null
                    : pin(a.param(), t), a.grouping(), a.without(), a.pos());
            case Expr.Call c -> {
                List<Expr> args = new ArrayList<>();
                for (int i = 0; i < c.args().size(); i++) {
                    // info()'s second argument selects info series by name; it is not evaluated as a selector
                    args.add(c.function().name().equals("info") && i == 1 ? c.args().get(i) : pin(c.args().get(i), t));
                }
                yield new Expr.Call(c.function(), args, c.pos());
            }
            default -> e;
        };
    }

    private static Expr.Modifiers pinned(Expr.Modifiers m, long t) {
        return m.at() != Expr.AtMode.NONE ? m
                : new Expr.Modifiers(m.offsetMillis(), m.hasOffset(), Expr.AtMode.TIMESTAMP, t, m.smoothed());
    }
}
