package io.sightline.query.promql.parser;

import io.sightline.storage.model.Matcher;

import java.util.List;
import java.util.Locale;

/** Prints an expression back as PromQL that parses to the same tree (durations in milliseconds). */
public final class Printer {
    private Printer() {
    }

    public static String print(Expr e) {
        StringBuilder sb = new StringBuilder();
        print(e, sb);
        return sb.toString();
    }

    private static void print(Expr e, StringBuilder sb) {
        switch (e) {
            case Expr.NumberLiteral n -> sb.append(number(n.value()));
            case Expr.StringLiteral s -> sb.append(Strings.goQuote(s.value()));
            case Expr.Paren p -> {
                sb.append('(');
                print(p.expr(), sb);
                sb.append(')');
            }
            case Expr.VectorSelector vs -> {
                selector(vs, sb);
                modifiers(vs.mod(), sb);
            }
            case Expr.MatrixSelector ms -> {
                selector(ms.selector(), sb);
                sb.append('[').append(ms.rangeMillis()).append("ms]");
                if (ms.mode() != Expr.RangeMode.PLAIN) {
                    sb.append(' ').append(ms.mode().name().toLowerCase(Locale.ROOT));
                }
                modifiers(ms.selector().mod(), sb);
            }
            case Expr.Subquery sq -> {
                wrap(sq.expr(), sb);
                sb.append('[').append(sq.rangeMillis()).append("ms:");
                if (sq.stepMillis() > 0) {
                    sb.append(sq.stepMillis()).append("ms");
                }
                sb.append(']');
                modifiers(sq.mod(), sb);
            }
            case Expr.Unary u -> {
                sb.append(u.negate() ? "-" : "+");
                wrap(u.expr(), sb);
            }
            case Expr.Binary b -> binary(b, sb);
            case Expr.Call c -> {
                sb.append(c.function().name()).append('(');
                list(c.args(), sb);
                sb.append(')');
            }
            case Expr.Aggregate a -> {
                sb.append(a.op().keyword());
                sb.append(a.without() ? " without (" : " by (");
                names(a.grouping(), sb);
                sb.append(") (");
                if (a.param() != null) {
                    print(a.param(), sb);
                    sb.append(", ");
                }
                print(a.expr(), sb);
                sb.append(')');
            }
        }
    }

    /** Prints in parentheses, unless the expression brings its own. */
    private static void wrap(Expr e, StringBuilder sb) {
        if (e instanceof Expr.Paren) {
            print(e, sb);
        } else {
            sb.append('(');
            print(e, sb);
            sb.append(')');
        }
    }

    private static void binary(Expr.Binary b, StringBuilder sb) {
        wrap(b.lhs(), sb);
        sb.append(' ').append(b.op().symbol());
        if (b.returnBool()) {
            sb.append(" bool");
        }
        VectorMatching m = b.matching();
        if (m != null) {
            if (m.on() || !m.labels().isEmpty()) {
                sb.append(m.on() ? " on (" : " ignoring (");
                names(m.labels(), sb);
                sb.append(')');
            }
            if (m.card() == VectorMatching.Cardinality.MANY_TO_ONE || m.card() == VectorMatching.Cardinality.ONE_TO_MANY) {
                sb.append(m.card() == VectorMatching.Cardinality.MANY_TO_ONE ? " group_left (" : " group_right (");
                names(m.include(), sb);
                sb.append(')');
            }
            if (m.fillLeft() != null) {
                sb.append(" fill_left (").append(signed(m.fillLeft())).append(')');
            }
            if (m.fillRight() != null) {
                sb.append(" fill_right (").append(signed(m.fillRight())).append(')');
            }
        }
        sb.append(' ');
        wrap(b.rhs(), sb);
    }

    private static void selector(Expr.VectorSelector vs, StringBuilder sb) {
        sb.append('{');
        boolean first = true;
        for (Matcher m : vs.matchers()) {
            sb.append(first ? "" : ", ").append(Strings.goQuote(m.name())).append(m.type().symbol())
                    .append(Strings.goQuote(m.value()));
            first = false;
        }
        sb.append('}');
    }

    private static void modifiers(Expr.Modifiers mod, StringBuilder sb) {
        if (mod.smoothed()) {
            sb.append(" smoothed");
        }
        if (mod.hasOffset()) {
            sb.append(" offset ").append(mod.offsetMillis() < 0 ? "-" : "").append(Math.abs(mod.offsetMillis())).append("ms");
        }
        switch (mod.at()) {
            case TIMESTAMP -> sb.append(" @ ").append(signed(mod.atMillis() / 1000.0));
            case START -> sb.append(" @ start()");
            case END -> sb.append(" @ end()");
            default -> {
            }
        }
    }

    private static void list(List<Expr> args, StringBuilder sb) {
        for (int i = 0; i < args.size(); i++) {
            sb.append(i == 0 ? "" : ", ");
            print(args.get(i), sb);
        }
    }

    private static void names(List<String> names, StringBuilder sb) {
        for (int i = 0; i < names.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(Strings.goQuote(names.get(i)));
        }
    }

    /** A number where a sign may lead but no parenthesis (@, fill). */
    private static String signed(double v) {
        return number(v);
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(v);
    }
}
