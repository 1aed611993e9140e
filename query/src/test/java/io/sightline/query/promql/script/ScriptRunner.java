package io.sightline.query.promql.script;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryEngine;
import io.sightline.query.QueryEngines;
import io.sightline.query.QueryException;
import io.sightline.query.QueryOptions;
import io.sightline.query.QueryResult;
import io.sightline.query.Value;
import io.sightline.query.promql.parser.Expr;
import io.sightline.query.promql.parser.Parser;
import io.sightline.storage.Appender;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import io.sightline.storage.model.StaleMarker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Runs one script against the real storage (opened on a temporary directory) and the PromQL engine, and
 * reports every eval as passed, failed (with why) or skipped (with why).
 */
final class ScriptRunner {
    enum Outcome { PASSED, FAILED, SKIPPED }

    record CaseResult(String id, Outcome outcome, String detail) {
    }

    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> NATIVE_ONLY_FUNCTIONS = Set.of("histogram_count", "histogram_sum",
            "histogram_avg", "histogram_stddev", "histogram_stdvar");

    private final Path dir;
    private final SkipList skips;
    private int generation;
    private Storage storage;
    private QueryEngine engine;
    /** Metric names that hold native histograms in the current data (not stored; their evals are skipped). */
    private final Set<String> nativeHistogramNames = new HashSet<>();

    ScriptRunner(Path dir, SkipList skips) {
        this.dir = dir;
        this.skips = skips;
    }

    List<CaseResult> run(Script script) {
        List<CaseResult> results = new ArrayList<>();
        String fileSkip = skips.skipFile(script.name());
        open();
        try {
            for (Script.Command c : script.commands()) {
                String id = script.name() + ":" + c.line();
                switch (c) {
                    case Script.Clear ignored -> {
                        storage.close();
                        nativeHistogramNames.clear();
                        open();
                    }
                    case Script.Load l -> {
                        if (fileSkip == null) {
                            load(l);
                        }
                    }
                    case Script.Eval e -> {
                        String skip = fileSkip != null ? fileSkip : skipReason(e);
                        if (skip != null) {
                            results.add(new CaseResult(id, Outcome.SKIPPED, skip));
                        } else {
                            String failure;
                            try {
                                failure = check(e);
                            } catch (RuntimeException ex) {
                                failure = "unexpected " + ex;
                            }
                            results.add(new CaseResult(id, failure == null ? Outcome.PASSED : Outcome.FAILED, failure));
                        }
                    }
                }
            }
        } finally {
            storage.close();
        }
        return results;
    }

    private void open() {
        Path d = dir.resolve("gen" + (generation++));
        storage = Storage.open(new StorageConfig(d, 2 * 3_600_000L, 15 * 24 * 3_600_000L, WalSyncMode.NEVER, 1_000,
                1 << 20, 30L * 24 * 3_600_000L, 100_000), OpenTelemetry.noop().getMeter("test"));
        engine = QueryEngines.promql(storage, QueryConfig.defaults(), OpenTelemetry.noop().getMeter("test"));
    }

    private void load(Script.Load l) {
        // A series listed twice in one block: the later value wins at a shared timestamp, as in Prometheus.
        Map<Labels, java.util.TreeMap<Long, Double>> samples = new LinkedHashMap<>();
        for (Script.SeriesLine s : l.series()) {
            Labels labels = labels(s.selector());
            if (s.values().histogram()) {
                nativeHistogramNames.add(labels.metricName());
                continue;
            }
            if (l.nhcb() && labels.metricName() != null && labels.metricName().endsWith("_bucket")) {
                String n = labels.metricName();
                nativeHistogramNames.add(n.substring(0, n.length() - "_bucket".length()));
            }
            long t = 0;
            var points = samples.computeIfAbsent(labels, k -> new java.util.TreeMap<>());
            for (Double v : s.values().values()) {
                if (v != null) {
                    points.put(t, v);
                }
                t += l.intervalMillis();
            }
        }
        Appender a = storage.appender();
        for (Map.Entry<Labels, java.util.TreeMap<Long, Double>> e : samples.entrySet()) {
            long ref = Appender.NO_REF;
            for (Map.Entry<Long, Double> p : e.getValue().entrySet()) {
                ref = a.append(ref, e.getKey(), p.getKey(), p.getValue());
                if (ref < 0) {
                    throw new IllegalStateException("storage rejected " + e.getKey() + " at " + p.getKey() + ": " + ref);
                }
            }
        }
        a.commit();
    }

    static Labels labels(String selector) {
        if (selector.replace(" ", "").equals("{}")) {
            return Labels.EMPTY;
        }
        Expr e = Parser.parse(selector);
        if (!(e instanceof Expr.VectorSelector vs)) {
            throw new IllegalArgumentException("not a series: " + selector);
        }
        Labels.Builder b = Labels.builder();
        for (Matcher m : vs.matchers()) {
            b.set(m.name(), m.value());
        }
        return b.build();
    }

    private String skipReason(Script.Eval e) {
        String feature = skips.skipFeature(e.expr());
        if (feature != null) {
            return feature;
        }
        for (Script.SeriesLine s : e.series()) {
            if (s.values().histogram()) {
                return "native histograms (expected output holds a histogram)";
            }
        }
        var m = IDENT.matcher(e.expr());
        while (m.find()) {
            String w = m.group();
            if (nativeHistogramNames.contains(w) || NATIVE_ONLY_FUNCTIONS.contains(w)) {
                return "native histograms (query reads native-histogram series)";
            }
        }
        if (!nativeHistogramNames.isEmpty() && e.expr().contains("__name__")) {
            return "native histograms (regex name selector over data with native histograms)";
        }
        return null;
    }

    /**
     * As Prometheus's harness: with {@code expect no_<kind>} there must be none; with {@code expect <kind>}
     * lines there must be some, and each must match one of the lines; without either, anything goes.
     */
    private static String checkAnnotations(Script.Eval e, String kind, List<String> got) {
        if (e.expects("no_" + kind) && !got.isEmpty()) {
            return "expected no " + kind + " annotation, got " + got;
        }
        if (!e.expects(kind)) {
            return null;
        }
        if (got.isEmpty()) {
            return "expected a " + kind + " annotation, got none";
        }
        for (String g : got) {
            boolean matched = false;
            for (Script.Annotation a : e.annotations()) {
                matched |= a.kind().equals(kind) && a.matches(g);
            }
            if (!matched) {
                return "unexpected " + kind + " annotation: " + g;
            }
        }
        return null;
    }

    /** Null when the eval holds, else what differed. */
    private String check(Script.Eval e) {
        QueryResult r;
        try {
            r = e.range() ? engine.rangeQuery(e.expr(), e.start(), e.end(), e.step(), QueryOptions.DEFAULT)
                    : engine.instantQuery(e.expr(), e.start(), QueryOptions.DEFAULT);
        } catch (QueryException ex) {
            if (!e.fail()) {
                return "unexpected error: " + ex.getMessage();
            }
            if (e.failMsg() != null && !e.failMsg().equals(ex.getMessage())) {
                return "error message differs: want \"" + e.failMsg() + "\", got \"" + ex.getMessage() + "\"";
            }
            if (e.failRegex() != null && !Pattern.compile(e.failRegex()).matcher(ex.getMessage()).find()) {
                return "error message does not match /" + e.failRegex() + "/: " + ex.getMessage();
            }
            return null;
        }
        if (e.fail()) {
            return "expected an error, got " + describe(r.value());
        }
        String annotations = checkAnnotations(e, "warn", r.warnings());
        if (annotations == null) {
            annotations = checkAnnotations(e, "info", r.infos());
        }
        if (annotations != null) {
            return annotations;
        }
        if (e.string() != null) {
            return r.value() instanceof Value.StringValue s && s.value().equals(e.string()) ? null
                    : "want string \"" + e.string() + "\", got " + describe(r.value());
        }
        if (e.scalar() != null) {
            if (!(r.value() instanceof Value.Scalar s && almostEqual(e.scalar(), s.value()))) {
                return "want scalar " + e.scalar() + ", got " + describe(r.value());
            }
            String asRange = checkAsRangeQuery(e);
            return asRange != null ? asRange : checkAtInvariance(e);
        }
        if (e.range() || e.rangeVector() != null) {
            long start = e.range() ? e.start() : e.rangeVector()[0];
            long step = e.range() ? e.step() : e.rangeVector()[2];
            return checkMatrix(e, r.value(), start, step);
        }
        String vectorCheck = checkVector(e, r.value());
        if (vectorCheck == null) {
            vectorCheck = checkAsRangeQuery(e);
        }
        return vectorCheck != null ? vectorCheck : checkAtInvariance(e);
    }

    /** Functions whose result depends on the evaluation time itself, so @ would change it (Prometheus's list). */
    private static final Set<String> AT_UNSAFE = Set.of("days_in_month", "day_of_month", "day_of_week", "day_of_year",
            "hour", "minute", "month", "year", "predict_linear", "time", "timestamp", "step", "range", "start", "end");

    /**
     * As Prometheus's harness does: pinning every selector and subquery without @ to the eval time and
     * evaluating at other times (-10t, 0, t/5, t, 10t) must give the same result.
     */
    private String checkAtInvariance(Script.Eval e) {
        Expr parsed = Parser.parse(e.expr());
        if (parsed.type() != io.sightline.query.promql.parser.ValueType.VECTOR
                && parsed.type() != io.sightline.query.promql.parser.ValueType.SCALAR) {
            return null;
        }
        var m = IDENT.matcher(e.expr());
        while (m.find()) {
            if (AT_UNSAFE.contains(m.group().toLowerCase())) {
                return null;
            }
        }
        long t = e.start();
        String pinned = io.sightline.query.promql.parser.Printer.print(AtPinning.pin(parsed, t));
        long[] times = t == 0 ? new long[]{-1_000, 0, 1_000} : new long[]{-10 * t, 0, t / 5, t, 10 * t};
        for (long at : times) {
            QueryResult r;
            try {
                r = engine.instantQuery(pinned, at, QueryOptions.DEFAULT);
            } catch (QueryException ex) {
                return "pinned to @ " + t + " and evaluated at " + at + ": unexpected error: " + ex.getMessage();
            }
            String diff = e.scalar() != null
                    ? (r.value() instanceof Value.Scalar s && almostEqual(e.scalar(), s.value()) ? null
                    : "want scalar " + e.scalar() + ", got " + describe(r.value()))
                    : checkVector(new Script.Eval(e.line(), e.text(), false, at, 0, 0, pinned, e.series(), null, null,
                    false, null, null, false, e.annotations(), null), r.value());
            if (diff != null) {
                return "pinned as [" + pinned + "] and evaluated at " + at + ": " + diff;
            }
        }
        return null;
    }

    private static final Pattern TIME_DEPENDENT = Pattern.compile("\\b(start|end|range|step)\\s*\\(");

    /**
     * As Prometheus's harness does: an instant eval must give the same result as the middle step of a range
     * query from t-1m to t+1m at a 1m step (not for ordered results, strings, range vectors, or expressions
     * that read the query's own start, end, range or step).
     */
    private String checkAsRangeQuery(Script.Eval e) {
        if (e.ordered() || TIME_DEPENDENT.matcher(e.expr()).find()) {
            return null;
        }
        Expr parsed = Parser.parse(e.expr());
        if (parsed.type() == io.sightline.query.promql.parser.ValueType.STRING
                || parsed.type() == io.sightline.query.promql.parser.ValueType.MATRIX) {
            return null;
        }
        long t = e.start();
        QueryResult r;
        try {
            r = engine.rangeQuery(e.expr(), t - 60_000, t + 60_000, 60_000, QueryOptions.DEFAULT);
        } catch (QueryException ex) {
            return "as a range query: unexpected error: " + ex.getMessage();
        }
        Map<Labels, Double> got = new HashMap<>();
        for (Value.SeriesPoints sp : ((Value.Matrix) r.value()).series()) {
            for (int i = 0; i < sp.count(); i++) {
                if (sp.timestamps()[i] == t) {
                    got.put(sp.labels(), sp.values()[i]);
                }
            }
        }
        Map<Labels, Double> want = new HashMap<>();
        if (e.scalar() != null) {
            want.put(Labels.EMPTY, e.scalar());
        }
        for (Script.SeriesLine s : e.series()) {
            want.put(labels(s.selector()), s.values().values().get(0));
        }
        if (!got.keySet().equals(want.keySet())) {
            return "as a range query, the middle step differs: want " + want + ", got " + got;
        }
        for (Map.Entry<Labels, Double> w : want.entrySet()) {
            if (!almostEqual(w.getValue(), got.get(w.getKey()))) {
                return "as a range query, the middle step differs at " + w.getKey() + ": want " + w.getValue()
                        + ", got " + got.get(w.getKey());
            }
        }
        return null;
    }

    private static String checkVector(Script.Eval e, Value v) {
        if (!(v instanceof Value.Vector vec)) {
            if (v instanceof Value.Scalar s && e.series().size() == 1 && labels(e.series().get(0).selector()).isEmpty()
                    && almostEqual(e.series().get(0).values().values().get(0), s.value())) {
                return null;
            }
            return "want a vector, got " + describe(v);
        }
        Map<Labels, Double> want = new LinkedHashMap<>();
        List<Labels> order = new ArrayList<>();
        for (Script.SeriesLine s : e.series()) {
            Labels l = labels(s.selector());
            want.put(l, s.values().values().get(0));
            order.add(l);
        }
        if (vec.samples().size() != want.size()) {
            return "want " + want.size() + " samples " + want + ", got " + vec.samples().size() + ": " + describe(v);
        }
        int i = 0;
        for (Value.Sample s : vec.samples()) {
            if (!want.containsKey(s.labels())) {
                return "unexpected series " + s.labels() + " in " + describe(v) + "; want " + want;
            }
            if (!almostEqual(want.get(s.labels()), s.value())) {
                return "series " + s.labels() + ": want " + want.get(s.labels()) + ", got " + s.value();
            }
            if (e.ordered() && !order.get(i).equals(s.labels())) {
                return "order differs: want " + order + ", got " + describe(v);
            }
            i++;
        }
        return null;
    }

    private static String checkMatrix(Script.Eval e, Value v, long start, long step) {
        if (!(v instanceof Value.Matrix m)) {
            return "want a matrix, got " + describe(v);
        }
        Map<Labels, Map<Long, Double>> want = new HashMap<>();
        for (Script.SeriesLine s : e.series()) {
            Map<Long, Double> pts = new HashMap<>();
            List<Double> vals = s.values().values();
            for (int i = 0; i < vals.size(); i++) {
                if (vals.get(i) != null) {
                    pts.put(start + i * step, vals.get(i));
                }
            }
            want.put(labels(s.selector()), pts);
        }
        Labels prev = null;
        for (Value.SeriesPoints sp : m.series()) {
            if (prev != null && prev.compareTo(sp.labels()) >= 0) {
                return "matrix not sorted by labels at " + sp.labels();
            }
            prev = sp.labels();
            Map<Long, Double> pts = want.remove(sp.labels());
            if (pts == null) {
                return "unexpected series " + sp.labels() + " in " + describe(v);
            }
            if (pts.size() != sp.count()) {
                return "series " + sp.labels() + ": want " + pts.size() + " points " + pts + ", got " + points(sp);
            }
            for (int i = 0; i < sp.count(); i++) {
                Double w = pts.get(sp.timestamps()[i]);
                if (w == null || !almostEqual(w, sp.values()[i])) {
                    return "series " + sp.labels() + ": want " + pts + ", got " + points(sp);
                }
            }
        }
        want.values().removeIf(Map::isEmpty);
        return want.isEmpty() ? null : "missing series " + want.keySet();
    }

    private static String points(Value.SeriesPoints sp) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < sp.count(); i++) {
            sb.append(i == 0 ? "" : ", ").append(sp.timestamps()[i]).append('=').append(sp.values()[i]);
        }
        return sb.append('}').toString();
    }

    static boolean almostEqual(double a, double b) {
        if (StaleMarker.isStale(a) || StaleMarker.isStale(b)) {
            return StaleMarker.isStale(a) && StaleMarker.isStale(b);
        }
        if (Double.isNaN(a) && Double.isNaN(b)) {
            return true;
        }
        if (a == b) {
            return true;
        }
        double absSum = Math.abs(a) + Math.abs(b);
        double diff = Math.abs(a - b);
        if (a == 0 || b == 0 || absSum < Double.MIN_NORMAL) {
            return diff < 1e-6 * Double.MIN_NORMAL;
        }
        return diff / Math.min(absSum, Double.MAX_VALUE) < 1e-6;
    }

    private static String describe(Value v) {
        return switch (v) {
            case Value.Scalar s -> "scalar " + s.value();
            case Value.StringValue s -> "string \"" + s.value() + "\"";
            case Value.Vector vec -> {
                StringBuilder sb = new StringBuilder("vector[");
                for (Value.Sample s : vec.samples()) {
                    sb.append(s.labels()).append(' ').append(s.value()).append("; ");
                }
                yield sb.append(']').toString();
            }
            case Value.Matrix m -> {
                StringBuilder sb = new StringBuilder("matrix[");
                for (Value.SeriesPoints sp : m.series()) {
                    sb.append(sp.labels()).append(' ').append(points(sp)).append("; ");
                }
                yield sb.append(']').toString();
            }
        };
    }
}
