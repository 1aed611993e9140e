package io.sightline.query.promql.engine;

import io.sightline.query.promql.function.StepSeries;
import io.sightline.query.promql.parser.Expr;
import io.sightline.query.promql.parser.PosRange;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code info(v, {selector})}: adds the data labels of info series (default {@code target_info}) that share
 * the identifying labels {@code instance} and {@code job} with each series, as of each step (Prometheus's
 * experimental info function; useful for OTLP resource attributes on {@code target_info}).
 */
final class InfoFunction {
    private static final List<String> IDENTIFYING = List.of("instance", "job");

    private final Evaluator ev;

    InfoFunction(Evaluator ev) {
        this.ev = ev;
    }

    List<StepSeries> eval(Expr.Call c, long[] times) {
        List<StepSeries> base = ev.evalVector(c.args().get(0), times);
        List<Matcher> nameMatchers = new ArrayList<>();
        List<Matcher> dataMatchers = new ArrayList<>();
        if (c.args().size() > 1 && unwrap(c.args().get(1)) instanceof Expr.VectorSelector sel) {
            for (Matcher m : sel.matchers()) {
                (m.name().equals(Labels.METRIC_NAME) ? nameMatchers : dataMatchers).add(m);
            }
        }
        if (nameMatchers.isEmpty()) {
            nameMatchers.add(Matcher.eq(Labels.METRIC_NAME, "target_info"));
        } else if (nameMatchers.stream().noneMatch(m -> m.type() == Matcher.Type.EQ || m.type() == Matcher.Type.RE)) {
            nameMatchers.add(Matcher.of(Matcher.Type.RE, Labels.METRIC_NAME, ".+_info")); // only exclusions given
        }
        boolean dropUnmatched = false;
        for (Matcher m : dataMatchers) {
            dropUnmatched |= !m.matchesEmpty();
        }
        List<Matcher> select = new ArrayList<>(nameMatchers);
        select.add(Matcher.of(Matcher.Type.RE, Labels.METRIC_NAME, ".+"));
        Expr.VectorSelector infoSel = new Expr.VectorSelector(null, select, modifiers(c.args().get(0)), PosRange.NONE);
        List<StepSeries> infos = ev.selectVector(infoSel, times, true);
        Map<List<String>, List<StepSeries>> infosById = new HashMap<>();
        for (StepSeries i : infos) {
            if (matchesAll(dataMatchers, i.labels)) {
                infosById.computeIfAbsent(identity(i.labels), k -> new ArrayList<>()).add(i);
            }
        }
        Map<Labels, StepSeries> out = new LinkedHashMap<>();
        for (StepSeries b : base) {
            String name = b.labels.metricName();
            if (name != null && matchesAll(nameMatchers, b.labels)) { // info series themselves pass through
                put(out, b.labels, b, -1, times.length);
                continue;
            }
            List<StepSeries> candidates = infosById.getOrDefault(identity(b.labels), List.of());
            for (int t = 0; t < times.length; t++) {
                if (!b.present[t]) {
                    continue;
                }
                Labels enriched = enrich(b.labels, candidates, dataMatchers, t);
                if (enriched == null && dropUnmatched) {
                    continue;
                }
                put(out, enriched == null ? b.labels : enriched, b, t, times.length);
            }
        }
        return new ArrayList<>(out.values());
    }

    /**
     * The base series' offset and @ apply to the info series too: those of a selector, or of a subquery or
     * range selector that a function reads, composed with the selector inside.
     */
    private static Expr.Modifiers modifiers(Expr arg) {
        Expr e = unwrap(arg);
        switch (e) {
            case Expr.VectorSelector vs -> {
                return vs.mod();
            }
            case Expr.Call call -> {
                for (Expr a : call.args()) {
                    Expr u = unwrap(a);
                    if (u instanceof Expr.Subquery sq) {
                        return compose(sq.mod(), modifiers(sq.expr()));
                    }
                    if (u instanceof Expr.MatrixSelector ms) {
                        return ms.selector().mod();
                    }
                }
                return Expr.Modifiers.NONE;
            }
            default -> {
                return Expr.Modifiers.NONE;
            }
        }
    }

    private static Expr.Modifiers compose(Expr.Modifiers outer, Expr.Modifiers inner) {
        Expr.Modifiers at = inner.at() != Expr.AtMode.NONE ? inner : outer;
        return new Expr.Modifiers(outer.offsetMillis() + inner.offsetMillis(),
                outer.hasOffset() || inner.hasOffset(), at.at(), at.atMillis());
    }

    private static Expr unwrap(Expr e) {
        while (e instanceof Expr.Paren p) {
            e = p.expr();
        }
        return e;
    }

    private static void put(Map<Labels, StepSeries> out, Labels labels, StepSeries b, int step, int steps) {
        StepSeries o = out.computeIfAbsent(labels, l -> {
            StepSeries s = new StepSeries(l, steps);
            s.dropName = b.dropName;
            return s;
        });
        for (int t = step < 0 ? 0 : step; t < (step < 0 ? steps : step + 1); t++) {
            if (b.present[t]) {
                if (o.present[t]) {
                    throw Evaluator.execError("vector cannot contain metrics with the same labelset");
                }
                o.set(t, b.values[t]);
            }
        }
    }

    /** The base labels plus the data labels of the newest matching info series per info metric; null if none. */
    private static Labels enrich(Labels base, List<StepSeries> candidates, List<Matcher> dataMatchers, int t) {
        Map<String, StepSeries> newestByName = new TreeMap<>();
        for (StepSeries i : candidates) {
            if (!i.present[t]) {
                continue;
            }
            StepSeries prev = newestByName.get(i.labels.metricName());
            if (prev == null || i.sampleTimes[t] > prev.sampleTimes[t]) {
                newestByName.put(i.labels.metricName(), i);
            }
        }
        if (newestByName.isEmpty()) {
            return null;
        }
        Map<String, String> added = new HashMap<>();
        Labels.Builder b = base.toBuilder();
        for (StepSeries i : newestByName.values()) {
            for (int k = 0; k < i.labels.size(); k++) {
                String n = i.labels.name(k);
                if (n.equals(Labels.METRIC_NAME) || IDENTIFYING.contains(n) || base.has(n)) {
                    continue;
                }
                if (!dataMatchers.isEmpty() && dataMatchers.stream().noneMatch(m -> m.name().equals(n))) {
                    continue;
                }
                String v = i.labels.value(k);
                String prev = added.put(n, v);
                if (prev != null && !prev.equals(v)) {
                    throw Evaluator.execError("conflicting label: " + n + " has values \"" + prev + "\" and \"" + v
                            + "\" in different info metrics");
                }
                b.set(n, v);
            }
        }
        return b.build();
    }

    private static List<String> identity(Labels l) {
        List<String> id = new ArrayList<>(IDENTIFYING.size());
        for (String n : IDENTIFYING) {
            String v = l.get(n);
            id.add(v == null ? "" : v);
        }
        return id;
    }

    private static boolean matchesAll(List<Matcher> matchers, Labels l) {
        for (Matcher m : matchers) {
            if (!m.matches(l.get(m.name()))) {
                return false;
            }
        }
        return true;
    }
}
