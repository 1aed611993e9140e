package io.sightline.query.promql.engine;

import io.sightline.query.promql.function.StepSeries;
import io.sightline.query.promql.parser.BinaryOp;
import io.sightline.query.promql.parser.Expr;
import io.sightline.query.promql.parser.VectorMatching;
import io.sightline.query.promql.parser.VectorMatching.Cardinality;
import io.sightline.storage.model.Labels;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Binary operators: scalar/scalar, vector/scalar, vector matching and the set operators. */
final class BinaryEvaluator {
    private final Evaluator ev;

    BinaryEvaluator(Evaluator ev) {
        this.ev = ev;
    }

    Object eval(Expr.Binary b, long[] times) {
        Object l = ev.eval(b.lhs(), times);
        Object r = ev.eval(b.rhs(), times);
        BinaryOp op = b.op();
        if (l instanceof Scalars ls && r instanceof Scalars rs) {
            double[] out = new double[times.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = op.isComparison()
                        ? (compare(op, ls.values()[i], rs.values()[i]) ? 1 : 0)
                        : arithmetic(op, ls.values()[i], rs.values()[i]);
            }
            return new Scalars(out);
        }
        if (l instanceof Scalars ls) {
            return vectorScalar(op, asVector(r), ls, true, b.returnBool());
        }
        if (r instanceof Scalars rs) {
            return vectorScalar(op, asVector(l), rs, false, b.returnBool());
        }
        List<StepSeries> lv = asVector(l);
        List<StepSeries> rv = asVector(r);
        return switch (op) {
            case AND -> and(lv, rv, b.matching(), times.length, false);
            case UNLESS -> and(lv, rv, b.matching(), times.length, true);
            case OR -> or(lv, rv, b.matching(), times.length);
            default -> vectorVector(op, lv, rv, b.matching(), b.returnBool(), times.length);
        };
    }

    @SuppressWarnings("unchecked")
    private static List<StepSeries> asVector(Object o) {
        return (List<StepSeries>) o;
    }

    static double arithmetic(BinaryOp op, double l, double r) {
        return switch (op) {
            case ADD -> l + r;
            case SUB -> l - r;
            case MUL -> l * r;
            case DIV -> l / r;
            case MOD -> l % r;
            case POW -> Math.pow(l, r);
            case ATAN2 -> Math.atan2(l, r);
            default -> throw new IllegalStateException("BUG: not an arithmetic operator: " + op);
        };
    }

    static boolean compare(BinaryOp op, double l, double r) {
        return switch (op) {
            case EQL -> l == r;
            case NEQ -> l != r;
            case LSS -> l < r;
            case LTE -> l <= r;
            case GTR -> l > r;
            case GTE -> l >= r;
            default -> throw new IllegalStateException("BUG: not a comparison operator: " + op);
        };
    }

    private static List<StepSeries> vectorScalar(BinaryOp op, List<StepSeries> vec, Scalars s, boolean scalarLeft,
                                                 boolean returnBool) {
        List<StepSeries> out = new ArrayList<>(vec.size());
        for (StepSeries v : vec) {
            for (int i = 0; i < v.values.length; i++) {
                if (!v.present[i]) {
                    continue;
                }
                double x = v.values[i];
                double sv = s.values()[i];
                double l = scalarLeft ? sv : x;
                double r = scalarLeft ? x : sv;
                if (op.isComparison()) {
                    boolean keep = compare(op, l, r);
                    if (returnBool) {
                        v.values[i] = keep ? 1 : 0;
                    } else if (!keep) {
                        v.present[i] = false;
                    }
                } else {
                    v.values[i] = arithmetic(op, l, r);
                }
            }
            if (!op.isComparison() || returnBool) {
                v.dropName = true;
            }
            if (v.any()) {
                out.add(v);
            }
        }
        return out;
    }

    /** The matching signature of a label set: the on() labels, or all but the ignoring() labels and the name. */
    static Labels signature(Labels l, VectorMatching m) {
        Labels.Builder b = Labels.builder();
        if (m.on()) {
            for (String n : m.labels()) {
                b.set(n, l.get(n));
            }
        } else {
            for (int i = 0; i < l.size(); i++) {
                String n = l.name(i);
                if (!n.equals(Labels.METRIC_NAME) && !m.labels().contains(n)) {
                    b.set(n, l.value(i));
                }
            }
        }
        return b.build();
    }

    private static List<StepSeries> and(List<StepSeries> lhs, List<StepSeries> rhs, VectorMatching m, int steps,
                                        boolean unless) {
        Map<Labels, boolean[]> rightPresence = new HashMap<>();
        for (StepSeries r : rhs) {
            boolean[] p = rightPresence.computeIfAbsent(signature(r.labels, m), k -> new boolean[steps]);
            for (int i = 0; i < steps; i++) {
                p[i] |= r.present[i];
            }
        }
        List<StepSeries> out = new ArrayList<>();
        for (StepSeries l : lhs) {
            boolean[] p = rightPresence.get(signature(l.labels, m));
            for (int i = 0; i < steps; i++) {
                boolean matched = p != null && p[i];
                if (matched == unless) {
                    l.present[i] = false;
                }
            }
            if (l.any()) {
                out.add(l);
            }
        }
        return out;
    }

    private static List<StepSeries> or(List<StepSeries> lhs, List<StepSeries> rhs, VectorMatching m, int steps) {
        Map<Labels, boolean[]> leftPresence = new HashMap<>();
        for (StepSeries l : lhs) {
            boolean[] p = leftPresence.computeIfAbsent(signature(l.labels, m), k -> new boolean[steps]);
            for (int i = 0; i < steps; i++) {
                p[i] |= l.present[i];
            }
        }
        List<StepSeries> out = new ArrayList<>(lhs);
        for (StepSeries r : rhs) {
            boolean[] p = leftPresence.get(signature(r.labels, m));
            if (p != null) {
                for (int i = 0; i < steps; i++) {
                    if (p[i]) {
                        r.present[i] = false;
                    }
                }
            }
            if (r.any()) {
                out.add(r);
            }
        }
        return out;
    }

    /** Arithmetic and comparison between two vectors, one-to-one or with group_left/group_right. */
    private List<StepSeries> vectorVector(BinaryOp op, List<StepSeries> lhs, List<StepSeries> rhs, VectorMatching m,
                                          boolean returnBool, int steps) {
        boolean swap = m.card() == Cardinality.ONE_TO_MANY;
        List<StepSeries> many = swap ? rhs : lhs;
        List<StepSeries> one = swap ? lhs : rhs;
        Map<Labels, List<StepSeries>> oneBySig = new HashMap<>();
        for (StepSeries s : one) {
            oneBySig.computeIfAbsent(signature(s.labels, m), k -> new ArrayList<>()).add(s);
        }
        // Duplicates on the "one" side at a step are an error.
        for (Map.Entry<Labels, List<StepSeries>> e : oneBySig.entrySet()) {
            List<StepSeries> g = e.getValue();
            if (g.size() < 2) {
                continue;
            }
            for (int i = 0; i < steps; i++) {
                StepSeries first = null;
                for (StepSeries s : g) {
                    if (s.present[i]) {
                        if (first != null) {
                            throw Evaluator.execError("found duplicate series for the match group " + e.getKey()
                                    + " on the " + (swap ? "left" : "right") + " hand-side of the operation: ["
                                    + first.labels + ", " + s.labels
                                    + "];many-to-many matching not allowed: matching labels must be unique on one side");
                        }
                        first = s;
                    }
                }
            }
        }
        Map<Labels, StepSeries> results = new LinkedHashMap<>();
        // one-to-one: the steps at which a match group already matched, one bit per step (not an int per step)
        Map<Labels, long[]> matchedAtStep = m.card() == Cardinality.ONE_TO_ONE ? new HashMap<>() : null;
        boolean dropName = !op.isComparison() || returnBool;
        Double fillOne = m.fillRight();   // after the swap, as Prometheus applies them: right = the "one" side
        Double fillMany = m.fillLeft();
        double[] result = new double[1];
        for (StepSeries ms : many) {
            ev.ctx.tick();
            Labels sig = signature(ms.labels, m);
            List<StepSeries> candidates = oneBySig.getOrDefault(sig, List.of());
            if (candidates.isEmpty() && fillOne == null) {
                continue;
            }
            long[] seen = null;
            if (matchedAtStep != null) {
                seen = matchedAtStep.computeIfAbsent(sig, k -> new long[(steps + 63) >>> 6]);
            }
            Map<StepSeries, StepSeries> outByOne = new HashMap<>(2);
            StepSeries lastOne = null; // the "one" side's series of the previous step and its output: nearly
            StepSeries lastTarget = null; // always the same, so most steps need no map lookup
            for (int i = 0; i < steps; i++) {
                if (!ms.present[i]) {
                    continue;
                }
                StepSeries os = null;
                for (int k = 0; k < candidates.size(); k++) {
                    StepSeries c = candidates.get(k);
                    if (c.present[i]) {
                        os = c;
                        break;
                    }
                }
                if (os == null && fillOne == null) {
                    continue;
                }
                if (seen != null && os != null) {
                    if ((seen[i >>> 6] & (1L << i)) != 0) {
                        throw Evaluator.execError(
                                "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
                    }
                    seen[i >>> 6] |= 1L << i;
                }
                double oneValue = os != null ? os.values[i] : fillOne;
                if (!combine(op, swap ? oneValue : ms.values[i], swap ? ms.values[i] : oneValue, returnBool, result)) {
                    continue;
                }
                StepSeries key = os == null ? ms : os;
                StepSeries target = key == lastOne ? lastTarget : outByOne.get(key);
                if (target == null) {
                    target = target(results, resultMetric(ms.labels, os == null ? Labels.EMPTY : os.labels, m),
                            dropName || ms.dropName, steps);
                    outByOne.put(key, target);
                }
                lastOne = key;
                lastTarget = target;
                if (target.present[i]) {
                    throw Evaluator.execError(m.card() == Cardinality.ONE_TO_ONE
                            ? "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)"
                            : "multiple matches for labels: grouping labels must ensure unique matches");
                }
                target.set(i, result[0]);
            }
        }
        if (fillMany != null) {
            fillMissingMany(op, many, one, m, swap, returnBool, fillMany, results, dropName, steps);
        }
        List<StepSeries> out = new ArrayList<>(results.size());
        for (StepSeries s : results.values()) {
            if (s.any()) {
                out.add(s);
            }
        }
        return out;
    }

    /** Applies the operator; false when a comparison filters the pair out. */
    private static boolean combine(BinaryOp op, double l, double r, boolean returnBool, double[] out) {
        if (op.isComparison()) {
            boolean keep = compare(op, l, r);
            if (!returnBool && !keep) {
                return false;
            }
            out[0] = returnBool ? (keep ? 1 : 0) : l;
        } else {
            out[0] = arithmetic(op, l, r);
        }
        return true;
    }

    private static StepSeries target(Map<Labels, StepSeries> results, Labels metric, boolean dropName, int steps) {
        StepSeries t = results.get(metric);
        if (t == null) {
            t = new StepSeries(metric, steps);
            t.dropName = dropName;
            results.put(metric, t);
        }
        return t;
    }

    /**
     * fill_left (experimental): a "one"-side series with no "many"-side match at a step pairs with the fill
     * value; the result carries the match group's labels.
     */
    private static void fillMissingMany(BinaryOp op, List<StepSeries> many, List<StepSeries> one, VectorMatching m,
                                        boolean swap, boolean returnBool, double fill, Map<Labels, StepSeries> results,
                                        boolean dropName, int steps) {
        Map<Labels, boolean[]> manyPresent = new HashMap<>();
        for (StepSeries s : many) {
            boolean[] p = manyPresent.computeIfAbsent(signature(s.labels, m), k -> new boolean[steps]);
            for (int i = 0; i < steps; i++) {
                p[i] |= s.present[i];
            }
        }
        double[] result = new double[1];
        for (StepSeries os : one) {
            Labels sig = signature(os.labels, m);
            boolean[] p = manyPresent.get(sig);
            for (int i = 0; i < steps; i++) {
                if (!os.present[i] || (p != null && p[i])) {
                    continue;
                }
                if (combine(op, swap ? os.values[i] : fill, swap ? fill : os.values[i], returnBool, result)) {
                    target(results, sig, dropName, steps).set(i, result[0]);
                }
            }
        }
    }

    private static Labels resultMetric(Labels many, Labels one, VectorMatching m) {
        if (m.card() != Cardinality.ONE_TO_ONE && m.include().isEmpty()) {
            return many;
        }
        Labels.Builder b = many.toBuilder();
        if (m.card() == Cardinality.ONE_TO_ONE) {
            if (m.on()) {
                Labels.Builder keep = Labels.builder();
                for (String n : m.labels()) {
                    keep.set(n, many.get(n));
                }
                b = keep;
            } else {
                for (String n : m.labels()) {
                    b.remove(n);
                }
            }
        }
        for (String n : m.include()) {
            b.set(n, one.get(n)); // a filled "one" side has no labels to copy: the label is removed
        }
        return b.build();
    }
}
