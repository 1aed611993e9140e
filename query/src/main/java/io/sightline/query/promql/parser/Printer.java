package io.sightline.query.promql.parser;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Prints an expression back as PromQL the way Prometheus does ({@code String()} and {@code Pretty()} of its AST):
 * {@code sum by (job) (rate(x{a="b",c=~"d"}[5m] @ 100.000 offset 1h))}. Matchers are sorted and joined by a
 * bare comma, durations in Prometheus's units ({@code 1h30m}), {@code @} before {@code offset}, parentheses only
 * where the query had them. {@link #pretty} splits nodes longer than 100 characters over indented lines, as
 * {@code /api/v1/format_query} does. Durations given as expressions ({@code [step()*2]}) were folded by the
 * parser, so they print as their value.
 */
public final class Printer {
    /** Prometheus's {@code maxCharactersPerLine}: longer nodes are split by {@link #pretty}. */
    private static final int MAX_LINE = 100;
    private static final String INDENT = "  ";

    private Printer() {
    }

    /** One line, as Prometheus's {@code Expr.String()}. */
    public static String print(Expr e) {
        StringBuilder sb = new StringBuilder();
        print(e, sb);
        return sb.toString();
    }

    /** Prometheus's {@code Pretty(0)}: nodes longer than 100 characters are split over indented lines. */
    public static String pretty(Expr e) {
        return pretty(e, 0);
    }

    private static String pretty(Expr e, int level) {
        String flat = print(e);
        String indent = INDENT.repeat(level);
        if (flat.length() <= MAX_LINE) {
            // Prometheus's SubqueryExpr.Pretty returns a short subquery without its indent; so do we.
            return e instanceof Expr.Subquery ? flat : indent + flat;
        }
        return switch (e) {
            case Expr.Aggregate a -> {
                StringBuilder sb = new StringBuilder(indent);
                aggregateOp(a, sb);
                sb.append("(\n");
                if (a.param() != null) {
                    sb.append(pretty(a.param(), level + 1)).append(",\n");
                }
                yield sb.append(pretty(a.expr(), level + 1)).append('\n').append(indent).append(')').toString();
            }
            case Expr.Binary b -> pretty(b.lhs(), level + 1) + '\n' + indent + b.op().symbol()
                    + (b.returnBool() ? " bool" : "") + matching(b.matching()) + '\n' + pretty(b.rhs(), level + 1);
            case Expr.Call c -> {
                StringBuilder sb = new StringBuilder(indent).append(c.function().name()).append("(\n");
                for (int i = 0; i < c.args().size(); i++) {
                    sb.append(i == 0 ? "" : ",\n").append(pretty(c.args().get(i), level + 1));
                }
                yield sb.append('\n').append(indent).append(')').toString();
            }
            case Expr.Paren p -> indent + "(\n" + pretty(p.expr(), level + 1) + '\n' + indent + ')';
            case Expr.Subquery sq -> pretty(sq.expr(), level) + subquerySuffix(sq);
            case Expr.Unary u -> indent + (u.negate() ? "-" : "+") + pretty(u.expr(), level).strip();
            default -> indent + flat;
        };
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
                at(vs.mod(), sb);
                if (vs.mod().smoothed()) {
                    sb.append(" smoothed");
                }
                offset(vs.mod(), sb);
            }
            case Expr.MatrixSelector ms -> {
                selector(ms.selector(), sb);
                sb.append('[').append(duration(ms.rangeMillis())).append(']');
                switch (ms.mode()) {
                    case ANCHORED -> sb.append(" anchored");
                    case SMOOTHED -> sb.append(" smoothed");
                    default -> {
                    }
                }
                at(ms.selector().mod(), sb);
                offset(ms.selector().mod(), sb);
            }
            case Expr.Subquery sq -> {
                print(sq.expr(), sb);
                sb.append(subquerySuffix(sq));
            }
            case Expr.Unary u -> {
                sb.append(u.negate() ? "-" : "+");
                print(u.expr(), sb);
            }
            case Expr.Binary b -> {
                print(b.lhs(), sb);
                sb.append(' ').append(b.op().symbol()).append(b.returnBool() ? " bool" : "").append(matching(b.matching()))
                        .append(' ');
                print(b.rhs(), sb);
            }
            case Expr.Call c -> {
                sb.append(c.function().name()).append('(');
                for (int i = 0; i < c.args().size(); i++) {
                    sb.append(i == 0 ? "" : ", ");
                    print(c.args().get(i), sb);
                }
                sb.append(')');
            }
            case Expr.Aggregate a -> {
                aggregateOp(a, sb);
                sb.append('(');
                if (a.param() != null) {
                    print(a.param(), sb);
                    sb.append(", ");
                }
                print(a.expr(), sb);
                sb.append(')');
            }
        }
    }

    /** {@code sum }, {@code sum by (job) }, {@code sum without () }: an empty {@code by} is left out. */
    private static void aggregateOp(Expr.Aggregate a, StringBuilder sb) {
        sb.append(a.op().keyword());
        if (a.without() || !a.grouping().isEmpty()) {
            sb.append(a.without() ? " without (" : " by (");
            names(a.grouping(), sb);
            sb.append(") ");
        }
    }

    private static String matching(VectorMatching m) {
        if (m == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        boolean grouped = m.card() == VectorMatching.Cardinality.MANY_TO_ONE
                || m.card() == VectorMatching.Cardinality.ONE_TO_MANY;
        if (m.on() || !m.labels().isEmpty() || grouped) {
            sb.append(m.on() ? " on (" : " ignoring (");
            names(m.labels(), sb);
            sb.append(')');
        }
        if (grouped) {
            sb.append(m.card() == VectorMatching.Cardinality.MANY_TO_ONE ? " group_left (" : " group_right (");
            names(m.include(), sb);
            sb.append(')');
        }
        if (m.fillLeft() != null && m.fillLeft().equals(m.fillRight())) {
            sb.append(" fill (").append(number(m.fillLeft())).append(')');
        } else {
            if (m.fillLeft() != null) {
                sb.append(" fill_left (").append(number(m.fillLeft())).append(')');
            }
            if (m.fillRight() != null) {
                sb.append(" fill_right (").append(number(m.fillRight())).append(')');
            }
        }
        return sb.toString();
    }

    /**
     * {@code name{a="b",c!="d"}}: the name's own matcher is left out and the others sorted as text. A name that
     * is not a valid legacy metric name goes quoted inside the braces.
     */
    private static void selector(Expr.VectorSelector vs, StringBuilder sb) {
        String name = vs.name() == null ? "" : vs.name();
        boolean bareName = !name.isEmpty() && Strings.isLegacyMetricName(name);
        List<String> items = new ArrayList<>(vs.matchers().size());
        for (Matcher m : vs.matchers()) {
            if (!name.isEmpty() && m.name().equals(Labels.METRIC_NAME) && m.type() == Matcher.Type.EQ
                    && m.value().equals(name)) {
                continue;
            }
            items.add(label(m.name()) + m.type().symbol() + Strings.goQuote(m.value()));
        }
        Collections.sort(items);
        if (!name.isEmpty() && !bareName) {
            items.addFirst(Strings.goQuote(name));
        }
        sb.append(bareName ? name : "");
        if (!items.isEmpty() || !bareName) {
            sb.append('{').append(String.join(",", items)).append('}');
        }
    }

    private static void at(Expr.Modifiers mod, StringBuilder sb) {
        switch (mod.at()) {
            case TIMESTAMP -> sb.append(" @ ").append(new BigDecimal(mod.atMillis()).movePointLeft(3).toPlainString());
            case START -> sb.append(" @ start()");
            case END -> sb.append(" @ end()");
            default -> {
            }
        }
    }

    private static void offset(Expr.Modifiers mod, StringBuilder sb) {
        if (mod.offsetMillis() > 0) {
            sb.append(" offset ").append(duration(mod.offsetMillis()));
        } else if (mod.offsetMillis() < 0) {
            sb.append(" offset -").append(duration(-mod.offsetMillis()));
        }
    }

    private static String subquerySuffix(Expr.Subquery sq) {
        StringBuilder sb = new StringBuilder();
        sb.append('[').append(duration(sq.rangeMillis())).append(':');
        if (sq.stepMillis() > 0) {
            sb.append(duration(sq.stepMillis()));
        }
        sb.append(']');
        at(sq.mod(), sb);
        offset(sq.mod(), sb);
        return sb.toString();
    }

    /**
     * Prometheus's duration text ({@code model.Duration}): {@code 1h30m}, {@code 90d}, {@code 1500ms}, {@code 0s};
     * years and weeks only when they divide exactly.
     */
    static String duration(long millis) {
        if (millis == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long ms = millis;
        ms = unit(sb, ms, "y", 365L * 24 * 3_600_000, true);
        ms = unit(sb, ms, "w", 7L * 24 * 3_600_000, true);
        ms = unit(sb, ms, "d", 24L * 3_600_000, false);
        ms = unit(sb, ms, "h", 3_600_000, false);
        ms = unit(sb, ms, "m", 60_000, false);
        ms = unit(sb, ms, "s", 1000, false);
        unit(sb, ms, "ms", 1, false);
        return sb.toString();
    }

    private static long unit(StringBuilder sb, long ms, String unit, long size, boolean exact) {
        if (exact && ms % size != 0) {
            return ms;
        }
        long v = ms / size;
        if (v > 0) {
            sb.append(v).append(unit);
            return ms - v * size;
        }
        return ms;
    }

    private static void names(List<String> names, StringBuilder sb) {
        for (int i = 0; i < names.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(label(names.get(i)));
        }
    }

    /** A label name as written in a query: bare when it is a legacy name, else quoted. */
    private static String label(String name) {
        return Strings.isLegacyLabelName(name) ? name : Strings.goQuote(name);
    }

    /** Go's {@code FormatFloat(v, 'f', -1, 64)}: the shortest digits that read back, never an exponent. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0" : "0";
        }
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
