package io.sightline.query.logql;

import io.sightline.query.QueryException;
import io.sightline.storage.model.Labels;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binary operators between metric results: arithmetic and comparisons with a number on either side or between
 * vectors matched as in PromQL ({@code on}/{@code ignoring}, {@code group_left}/{@code group_right});
 * {@code and}, {@code or}, {@code unless} as set operations on the matched labels. A comparison filters (NaN where
 * false) unless {@code bool} is given.
 */
final class Binaries {
    private Binaries() {
    }

    static StepSeries apply(Expr.Binary b, StepSeries left, StepSeries right, int steps) {
        String op = b.op();
        if (op.equals("and") || op.equals("or") || op.equals("unless")) {
            if (left.isScalar || right.isScalar) {
                throw new QueryException(QueryException.ErrorType.BAD_DATA, op + " needs vectors on both sides");
            }
            return setOp(op, b.matching(), left, right, steps);
        }
        boolean comparison = isComparison(op);
        if (comparison && left.isScalar && right.isScalar && !b.returnBool()) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "comparisons between numbers need the bool modifier");
        }
        Map<Labels, double[]> out = new LinkedHashMap<>();
        if (left.isScalar && right.isScalar) {
            double[] v = new double[steps];
            for (int k = 0; k < steps; k++) {
                v[k] = compute(op, left.scalarValues()[k], right.scalarValues()[k], b.returnBool(), Double.NaN);
            }
            out.put(Labels.EMPTY, v);
            return new StepSeries(true, out);
        }
        if (right.isScalar || left.isScalar) {
            boolean scalarLeft = left.isScalar;
            StepSeries vector = scalarLeft ? right : left;
            double[] scalar = (scalarLeft ? left : right).scalarValues();
            for (Map.Entry<Labels, double[]> e : vector.series.entrySet()) {
                double[] v = new double[steps];
                for (int k = 0; k < steps; k++) {
                    double x = e.getValue()[k];
                    v[k] = Double.isNaN(x) ? Double.NaN : scalarLeft ? compute(op, scalar[k], x, b.returnBool(), x)
                            : compute(op, x, scalar[k], b.returnBool(), x);
                }
                out.put(e.getKey(), v);
            }
            return new StepSeries(false, out);
        }
        return vectors(b, left, right, steps);
    }

    /**
     * Vector to vector, as PromQL matches them: by the labels of {@code on}, or all but those of {@code ignoring}
     * (all labels without either); one-to-one, or many-to-one with {@code group_left} (the left side is the many,
     * and the {@code include} labels are copied from its match) and one-to-many with {@code group_right}.
     */
    private static StepSeries vectors(Expr.Binary b, StepSeries left, StepSeries right, int steps) {
        Expr.Matching m = b.matching();
        String group = m == null ? null : m.group();
        boolean rightIsMany = "right".equals(group);
        StepSeries one = rightIsMany ? left : right;
        StepSeries many = rightIsMany ? right : left;
        Map<Labels, Map.Entry<Labels, double[]>> oneBySignature = new LinkedHashMap<>();
        for (Map.Entry<Labels, double[]> e : one.series.entrySet()) {
            if (oneBySignature.put(signature(e.getKey(), m), e) != null) {
                throw new QueryException(QueryException.ErrorType.EXECUTION, "found duplicate series for the match group "
                        + signature(e.getKey(), m) + " on the " + (rightIsMany ? "left" : "right")
                        + " hand-side of the operation; many-to-many matching not allowed: matching labels must be unique on one side");
            }
        }
        Map<Labels, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<Labels, double[]> e : many.series.entrySet()) {
            Map.Entry<Labels, double[]> match = oneBySignature.get(signature(e.getKey(), m));
            if (match == null) {
                continue;
            }
            double[] l = rightIsMany ? match.getValue() : e.getValue();
            double[] r = rightIsMany ? e.getValue() : match.getValue();
            double[] v = new double[steps];
            for (int k = 0; k < steps; k++) {
                v[k] = Double.isNaN(l[k]) || Double.isNaN(r[k]) ? Double.NaN : compute(b.op(), l[k], r[k], b.returnBool(), l[k]);
            }
            Labels labels = resultLabels(e.getKey(), match.getKey(), m);
            if (group == null && out.containsKey(labels)) {
                throw new QueryException(QueryException.ErrorType.EXECUTION, "multiple matches for labels " + labels
                        + ": many-to-one matching must be explicit (group_left/group_right)");
            }
            out.put(labels, v);
        }
        return new StepSeries(false, out);
    }

    /** The labels two series are matched on. */
    static Labels signature(Labels l, Expr.Matching m) {
        if (m == null) {
            return l;
        }
        Labels.Builder b = Labels.builder();
        if (m.on()) {
            for (String name : m.labels()) {
                String v = l.get(name);
                if (v != null) {
                    b.set(name, v);
                }
            }
            return b.build();
        }
        b = l.toBuilder();
        for (String name : m.labels()) {
            b.remove(name);
        }
        return b.build();
    }

    /** One-to-one: the matched labels; grouped: the "many" side's labels plus the included ones from its match. */
    private static Labels resultLabels(Labels many, Labels one, Expr.Matching m) {
        if (m == null) {
            return many;
        }
        if (m.group() == null) {
            return signature(many, m);
        }
        Labels.Builder b = many.toBuilder();
        for (String name : m.include()) {
            String v = one.get(name);
            if (v == null) {
                b.remove(name);
            } else {
                b.set(name, v);
            }
        }
        return b.build();
    }

    private static boolean isComparison(String op) {
        return switch (op) {
            case "==", "!=", ">", ">=", "<", "<=" -> true;
            default -> false;
        };
    }

    /** @param kept what a true comparison without bool yields (the vector side's value) */
    private static double compute(String op, double a, double b, boolean returnBool, double kept) {
        if (isComparison(op)) {
            boolean t = switch (op) {
                case "==" -> a == b;
                case "!=" -> a != b;
                case ">" -> a > b;
                case ">=" -> a >= b;
                case "<" -> a < b;
                default -> a <= b;
            };
            return returnBool ? (t ? 1 : 0) : t ? kept : Double.NaN;
        }
        return switch (op) {
            case "+" -> a + b;
            case "-" -> a - b;
            case "*" -> a * b;
            case "/" -> a / b;
            case "%" -> a % b;
            case "^" -> Math.pow(a, b);
            default -> throw new QueryException(QueryException.ErrorType.BAD_DATA, "unknown operator " + op);
        };
    }

    private static StepSeries setOp(String op, Expr.Matching m, StepSeries left, StepSeries right, int steps) {
        // Per signature and step: is some right-hand series present there?
        Map<Labels, boolean[]> rightPresent = new LinkedHashMap<>();
        for (Map.Entry<Labels, double[]> e : right.series.entrySet()) {
            boolean[] p = rightPresent.computeIfAbsent(signature(e.getKey(), m), k -> new boolean[steps]);
            for (int k = 0; k < steps; k++) {
                p[k] |= !Double.isNaN(e.getValue()[k]);
            }
        }
        Map<Labels, double[]> out = new LinkedHashMap<>();
        Map<Labels, boolean[]> leftPresent = new LinkedHashMap<>();
        for (Map.Entry<Labels, double[]> e : left.series.entrySet()) {
            Labels sig = signature(e.getKey(), m);
            boolean[] r = rightPresent.get(sig);
            boolean[] lp = leftPresent.computeIfAbsent(sig, k -> new boolean[steps]);
            double[] v = new double[steps];
            for (int k = 0; k < steps; k++) {
                boolean inRight = r != null && r[k];
                lp[k] |= !Double.isNaN(e.getValue()[k]);
                v[k] = switch (op) {
                    case "and" -> inRight ? e.getValue()[k] : Double.NaN;
                    case "unless" -> inRight ? Double.NaN : e.getValue()[k];
                    default -> e.getValue()[k];
                };
            }
            out.put(e.getKey(), v);
        }
        if (op.equals("or")) {
            // A right-hand series fills the steps where no left-hand series of its signature has a value.
            for (Map.Entry<Labels, double[]> e : right.series.entrySet()) {
                boolean[] lp = leftPresent.get(signature(e.getKey(), m));
                double[] existing = out.get(e.getKey());
                double[] v = existing != null ? existing : new double[steps];
                for (int k = 0; k < steps; k++) {
                    if (existing == null) {
                        v[k] = Double.NaN;
                    }
                    if ((lp == null || !lp[k]) && Double.isNaN(v[k])) {
                        v[k] = e.getValue()[k];
                    }
                }
                out.put(e.getKey(), v);
            }
        }
        return new StepSeries(false, out);
    }
}
