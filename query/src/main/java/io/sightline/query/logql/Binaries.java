package io.sightline.query.logql;

import io.sightline.query.QueryException;
import io.sightline.storage.model.Labels;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binary operators between metric results: arithmetic and comparisons with a number on either side or
 * between vectors matched one-to-one on identical labels; {@code and}, {@code or}, {@code unless} as set
 * operations on labels. A comparison filters (NaN where false) unless {@code bool} is given.
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
            return setOp(op, left, right, steps);
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
        for (Map.Entry<Labels, double[]> e : left.series.entrySet()) {
            double[] r = right.series.get(e.getKey());
            if (r == null) {
                continue;
            }
            double[] v = new double[steps];
            for (int k = 0; k < steps; k++) {
                double x = e.getValue()[k];
                v[k] = Double.isNaN(x) || Double.isNaN(r[k]) ? Double.NaN : compute(op, x, r[k], b.returnBool(), x);
            }
            out.put(e.getKey(), v);
        }
        return new StepSeries(false, out);
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

    private static StepSeries setOp(String op, StepSeries left, StepSeries right, int steps) {
        Map<Labels, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<Labels, double[]> e : left.series.entrySet()) {
            double[] r = right.series.get(e.getKey());
            double[] v = new double[steps];
            for (int k = 0; k < steps; k++) {
                boolean inRight = r != null && !Double.isNaN(r[k]);
                v[k] = switch (op) {
                    case "and" -> inRight ? e.getValue()[k] : Double.NaN;
                    case "unless" -> inRight ? Double.NaN : e.getValue()[k];
                    default -> e.getValue()[k];
                };
            }
            out.put(e.getKey(), v);
        }
        if (op.equals("or")) {
            for (Map.Entry<Labels, double[]> e : right.series.entrySet()) {
                double[] l = out.get(e.getKey());
                if (l == null) {
                    out.put(e.getKey(), e.getValue().clone());
                } else {
                    for (int k = 0; k < steps; k++) {
                        if (Double.isNaN(l[k])) {
                            l[k] = e.getValue()[k];
                        }
                    }
                }
            }
        }
        return new StepSeries(false, out);
    }
}
