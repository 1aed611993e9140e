package io.sightline.query.traceql;

import io.sightline.query.QueryException;
import io.sightline.query.TraceQueryEngine;
import io.sightline.query.TraceSearchResult;
import io.sightline.query.traceql.Ast.*;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One search: reads the spans of every filter (with its equalities pushed down to the store), groups the matches
 * by trace, keeps the traces whose spanset expression and aggregate stages hold, and describes the newest
 * {@code limit} of them. Not thread-safe; used once.
 *
 * <p>A query that any one matching span proves (filters joined only by {@code ||}, no aggregate) is read in time
 * windows from the newest backwards, growing fourfold from {@link #FIRST_WINDOW_NANOS}, and stops once a window
 * ends with {@code limit} traces: a search for the last hour's 20 newest traces then reads a minute of spans, not
 * the hour. Other queries (trace-level {@code &&}, aggregates) need every span of a trace and read the whole range.
 * Matched counts of a trace that reaches back past the last window read count only the spans read.
 *
 * <p>Other queries (trace-level {@code &&}, aggregates) need every span of a trace. They are driven by the filters
 * a trace must match at least one span of (for {@code &&} the side with the most pushed-down equalities): those
 * are read in the same windows, and each new trace they name is loaded whole by id and evaluated exactly. When a
 * window names more than {@link #MAX_LOOKUPS} traces (a filter most traces match), the search instead reads every
 * filter in the windows, evaluates the traces on the spans read so far, and loads only the newest traces that
 * qualify on them to confirm them whole. Pitfall: a trace reaching back past the oldest window read may then be
 * missed when only its older spans would have qualified it; it would rank among the oldest results.
 */
final class SearchRun {
    /** The deadline is checked once per this many spans. */
    private static final int CHECK_EVERY = 4096;
    static final long FIRST_WINDOW_NANOS = 60_000_000_000L;
    /** Most traces a driven search loads by id before it reads the whole range instead. */
    static final int MAX_LOOKUPS = 1_000;
    private static final Comparator<TraceAccumulator> NEWEST_FIRST =
            Comparator.comparingLong((TraceAccumulator t) -> t.earliestStart).reversed().thenComparing(t -> t.traceId);

    private final Query query;
    private final TraceStore store;
    private final long startNanos;
    private final long endNanos;
    private final int spansPerSpanSet;
    private final long maxSpans;
    private final long deadlineNanos;
    /** Told after each window; null when nobody listens. */
    private final TraceQueryEngine.SearchProgress progress;
    private final List<AggregateStage> aggregates = new ArrayList<>();
    /** Each filter joined with the filter stages, by filter number. */
    private final List<Expr> filterExprs = new ArrayList<>();
    private final Map<String, TraceAccumulator> traces = new HashMap<>();
    private final Map<String, TraceInfo> infos = new HashMap<>();
    private final SpanMatcher matcher = new SpanMatcher(this::info);
    private final Val val = new Val();
    private final Val aggregateValue = new Val();
    private final Val aggregateBound = new Val();
    private final ShownValues shown;
    /** Whether the spanset expression has structural operators: then only whole traces are evaluated exactly. */
    private final boolean hasStructure;
    /** The operand of the last {@code | by(x)} not undone by a later {@code | coalesce()}, or null. */
    private final Operand groupBy;
    private TraceQuerier wide;
    private long inspected;
    private long inspectedTraces = -1;
    private boolean isPartial;

    SearchRun(Query query, TraceStore store, long startNanos, long endNanos, int spansPerSpanSet, long maxSpans,
              long deadlineNanos, TraceQueryEngine.SearchProgress progress) {
        this.progress = progress;
        this.query = query;
        this.store = store;
        this.startNanos = startNanos;
        this.endNanos = endNanos;
        this.spansPerSpanSet = spansPerSpanSet;
        this.maxSpans = maxSpans;
        this.deadlineNanos = deadlineNanos;
        for (Stage s : query.stages()) {
            if (s instanceof AggregateStage a) {
                aggregates.add(a);
            }
        }
        shown = new ShownValues(query);
        hasStructure = hasStructure(query.spanset());
        Operand by = null;
        for (Stage s : query.stages()) {
            if (s instanceof ByStage b) {
                by = b.operand();
            } else if (s instanceof CoalesceStage) {
                by = null;
            }
        }
        groupBy = by;
        Expr stageFilter = stageFilter();
        for (Filter f : query.filters()) {
            filterExprs.add(and(f.expr(), stageFilter));
        }
    }

    TraceSearchResult run(int limit) {
        try {
            if (isProvenBySingleSpans()) {
                long hi = endNanos;
                long width = FIRST_WINDOW_NANOS;
                while (!isPartial) {
                    long lo = windowStart(hi, width);
                    scanAll(lo, hi);
                    if (lo == startNanos || traces.size() >= limit) {
                        break;
                    }
                    report(traces.values(), limit);
                    hi = lo - 1;
                    width = grow(width);
                }
            } else if (!isDrivenByLookups(limit)) {
                traces.clear();
                inspectedTraces = -1;
                scanWindowsConfirmed(limit);
            }
            return result(traces.values(), limit, inspectedTraces >= 0 ? inspectedTraces : traces.size());
        } finally {
            if (wide != null) {
                wide.close();
            }
        }
    }

    /** The newest {@code limit} qualifying traces among {@code candidates}, described. */
    private TraceSearchResult result(Collection<TraceAccumulator> candidates, int limit, long tracesInspected) {
        List<TraceAccumulator> found = new ArrayList<>();
        for (TraceAccumulator t : candidates) {
            if (qualifies(t)) {
                found.add(t);
            }
        }
        // Newest first by the earliest matched span, then described from the whole trace and re-sorted by its start.
        found.sort(NEWEST_FIRST);
        List<TraceSearchResult.Trace> out = new ArrayList<>();
        for (TraceAccumulator t : found.subList(0, Math.min(limit, found.size()))) {
            out.add(describe(t));
        }
        out.sort(Comparator.comparingLong(TraceSearchResult.Trace::startNanos).reversed()
                .thenComparing(TraceSearchResult.Trace::traceId));
        return new TraceSearchResult(List.copyOf(out), inspected, tracesInspected, isPartial);
    }

    /** Tells the listener what qualifies so far; stops the search when it asks to. */
    private void report(Collection<TraceAccumulator> candidates, int limit) {
        if (progress != null && !progress.found(result(candidates, limit, candidates.size()))) {
            throw new QueryException(QueryException.ErrorType.CANCELED,
                    "search canceled by the client after reading " + inspected + " spans");
        }
    }

    /** Whether one matching span qualifies its trace: filters joined by || only, and no aggregate stage. */
    private boolean isProvenBySingleSpans() {
        return aggregates.isEmpty() && isOrOnly(query.spanset());
    }

    private static boolean isOrOnly(Spanset s) {
        return switch (s) {
            case FilterRef f -> true;
            case SpansetOp op -> !op.isAnd() && isOrOnly(op.left()) && isOrOnly(op.right());
            case Structural st -> false;
        };
    }

    private static boolean hasStructure(Spanset s) {
        return switch (s) {
            case FilterRef f -> false;
            case SpansetOp op -> hasStructure(op.left()) || hasStructure(op.right());
            case Structural st -> true;
        };
    }

    /** The start of the window ending at {@code hi}: {@code width} long, but not before the search's start. */
    private long windowStart(long hi, long width) {
        long lo = hi - width + 1;
        return lo <= startNanos || lo > hi ? startNanos : lo; // past the start, or wrapped around
    }

    private static long grow(long width) {
        return width > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : width * 4;
    }

    private void scanAll(long lo, long hi) {
        boolean isDeduplicating = filterExprs.size() > 1;
        try (TraceQuerier querier = store.querier(lo, hi)) {
            for (int i = 0; i < filterExprs.size() && !isPartial; i++) {
                int filter = i;
                Expr expr = filterExprs.get(i);
                Pushdown.select(querier, expr, span -> {
                    if (matcher.matches(expr, span)) {
                        TraceAccumulator t = traces.get(span.traceId());
                        if (t == null) {
                            t = new TraceAccumulator(span.traceId(), aggregates.size(), isDeduplicating);
                            traces.put(span.traceId(), t);
                        }
                        accumulate(t, filter, span);
                    }
                    return counted(1);
                });
            }
        }
    }

    /** Counts spans read against the deadline and the budget; false once the budget is spent. */
    private boolean counted(int spans) {
        long before = inspected;
        inspected += spans;
        if (inspected / CHECK_EVERY != before / CHECK_EVERY && System.nanoTime() - deadlineNanos > 0) {
            throw new QueryException(QueryException.ErrorType.TIMEOUT,
                    "search timed out after reading " + inspected + " spans (traces.query.timeout)");
        }
        if (inspected >= maxSpans) {
            isPartial = true;
            return false;
        }
        return true;
    }

    private void accumulate(TraceAccumulator t, int filter, Span span) {
        if (!t.hit(filter, span, spansPerSpanSet)) {
            return;
        }
        if (groupBy != null) {
            matcher.value(groupBy, span, val);
            Attributes.Builder label = Attributes.builder();
            String key = "by(" + name(groupBy) + ")";
            String text = val.putLabel(label, key);
            t.group(text, label.build(), span, spansPerSpanSet);
        }
        for (int k = 0; k < aggregates.size(); k++) {
            Operand o = aggregates.get(k).operand();
            if (o != null) {
                matcher.value(o, span, val);
                if (val.type.isNumeric()) {
                    t.aggregate(k, val.number());
                }
            }
        }
    }

    /**
     * Reads the driving filters newest window first and evaluates each trace they name on all its spans, until
     * {@code limit} traces qualify. Returns false, having kept nothing usable, when more than {@link #MAX_LOOKUPS}
     * traces would have to be loaded.
     */
    private boolean isDrivenByLookups(int limit) {
        List<Integer> drivers = drivers(query.spanset());
        Set<String> seen = new HashSet<>();
        List<String> candidates = new ArrayList<>();
        try (TraceQuerier whole = store.querier(startNanos, endNanos)) {
            long hi = endNanos;
            long width = FIRST_WINDOW_NANOS;
            while (!isPartial) {
                long lo = windowStart(hi, width);
                candidates.clear();
                try (TraceQuerier window = store.querier(lo, hi)) {
                    for (int d : drivers) {
                        Expr expr = filterExprs.get(d);
                        Pushdown.select(window, expr, span -> {
                            if (matcher.matches(expr, span) && seen.add(span.traceId())) {
                                candidates.add(span.traceId());
                            }
                            return counted(1) && seen.size() <= MAX_LOOKUPS;
                        });
                    }
                }
                if (seen.size() > MAX_LOOKUPS) {
                    return false;
                }
                for (String id : candidates) {
                    evaluateWhole(id, whole.trace(id));
                }
                if (lo == startNanos || traces.size() >= limit) {
                    break;
                }
                report(traces.values(), limit);
                hi = lo - 1;
                width = grow(width);
            }
        }
        inspectedTraces = seen.size();
        return true;
    }

    /** Evaluates every filter on every span of one trace; keeps the trace when the query holds for it. */
    private void evaluateWhole(String traceId, List<Span> spans) {
        TraceAccumulator t = wholeTrace(traceId, spans);
        if (qualifies(t)) {
            traces.put(traceId, t);
        }
    }

    private TraceAccumulator wholeTrace(String traceId, List<Span> spans) {
        counted(spans.size());
        TraceAccumulator t = new TraceAccumulator(traceId, aggregates.size(), filterExprs.size() > 1);
        if (hasStructure) {
            // The spans the expression returns; bit 0 marks "returned some" (qualifies() reads matched instead).
            BitSet returned = new TraceStructure(spans).eval(query.spanset(), filterExprs, matcher);
            for (int i = returned.nextSetBit(0); i >= 0; i = returned.nextSetBit(i + 1)) {
                accumulate(t, 0, spans.get(i));
            }
            return t;
        }
        for (int i = 0; i < filterExprs.size(); i++) {
            Expr expr = filterExprs.get(i);
            for (Span s : spans) {
                if (matcher.matches(expr, s)) {
                    accumulate(t, i, s);
                }
            }
        }
        return t;
    }

    /** Exact for traces evaluated whole; for structural queries only such traces may be asked. */
    private boolean qualifies(TraceAccumulator t) {
        return (hasStructure ? t.matched > 0 : holds(query.spanset(), t.filterHits)) && aggregatesHold(t);
    }

    /** Whether a trace read in part may qualify: {@link #qualifies}, or for structural queries its filters' hits. */
    private boolean mayQualify(TraceAccumulator t) {
        return hasStructure ? holds(query.spanset(), t.filterHits) : qualifies(t);
    }

    /**
     * Reads every filter in windows, newest first; after each window loads the newest traces that qualify on the
     * spans read so far and keeps those that qualify whole, until {@code limit} are confirmed or the range is read.
     * Past {@link #MAX_LOOKUPS} loads the remaining ones are kept as evaluated on the spans read.
     */
    private void scanWindowsConfirmed(int limit) {
        Map<String, TraceAccumulator> confirmed = new HashMap<>();
        Set<String> refuted = new HashSet<>();
        try (TraceQuerier whole = store.querier(startNanos, endNanos)) {
            long hi = endNanos;
            long width = FIRST_WINDOW_NANOS;
            while (!isPartial) {
                long lo = windowStart(hi, width);
                scanAll(lo, hi);
                List<TraceAccumulator> qualifying = new ArrayList<>();
                for (TraceAccumulator t : traces.values()) {
                    if (!confirmed.containsKey(t.traceId) && !refuted.contains(t.traceId) && mayQualify(t)) {
                        qualifying.add(t);
                    }
                }
                qualifying.sort(NEWEST_FIRST);
                for (TraceAccumulator t : qualifying) {
                    if (confirmed.size() >= limit) {
                        break;
                    }
                    if (hasStructure && confirmed.size() + refuted.size() >= MAX_LOOKUPS) {
                        isPartial = true; // parent links need the whole trace: unconfirmed ones cannot be kept
                        break;
                    }
                    if (!hasStructure && (lo == startNanos || confirmed.size() + refuted.size() >= MAX_LOOKUPS)) {
                        confirmed.put(t.traceId, t); // every span in range was read, or out of loads: as read
                        continue;
                    }
                    TraceAccumulator exact = wholeTrace(t.traceId, whole.trace(t.traceId));
                    if (qualifies(exact)) {
                        confirmed.put(t.traceId, exact);
                    } else {
                        refuted.add(t.traceId);
                    }
                }
                if (lo == startNanos || confirmed.size() >= limit) {
                    break;
                }
                report(confirmed.values(), limit);
                hi = lo - 1;
                width = grow(width);
            }
        }
        inspectedTraces = traces.size();
        traces.clear();
        traces.putAll(confirmed);
    }

    /**
     * Filters of which a qualifying trace must have at least one matching span: both sides' of {@code ||}, and
     * of {@code &&} the side whose weakest filter pushes down the most equalities (the likely smaller read).
     */
    private List<Integer> drivers(Spanset s) {
        return switch (s) {
            case FilterRef f -> List.of(f.index());
            case SpansetOp op -> {
                List<Integer> left = drivers(op.left());
                List<Integer> right = drivers(op.right());
                if (!op.isAnd()) {
                    List<Integer> both = new ArrayList<>(left);
                    both.addAll(right);
                    yield both;
                }
                yield selectivity(right) > selectivity(left) ? right : left;
            }
            case Structural st -> {
                // The returned spans are right-hand spans; a non-negated relation needs left-hand ones too.
                List<Integer> right = drivers(st.right());
                if (st.isNot()) {
                    yield right;
                }
                List<Integer> left = drivers(st.left());
                yield selectivity(left) > selectivity(right) ? left : right;
            }
        };
    }

    private int selectivity(List<Integer> filters) {
        int min = Integer.MAX_VALUE;
        for (int f : filters) {
            min = Math.min(min, Pushdown.terms(filterExprs.get(f)).size());
        }
        return min;
    }

    /** The filter stages ({@code | { ... }}) joined with {@code &&}; they apply to every filter's spans. */
    private Expr stageFilter() {
        Expr e = null;
        for (Stage s : query.stages()) {
            if (s instanceof FilterStage f && f.expr() != null) {
                e = and(e, f.expr());
            }
        }
        return e;
    }

    private static Expr and(Expr a, Expr b) {
        return a == null ? b : b == null ? a : new Logical(true, a, b);
    }

    /** Whether the filters hit allow the spanset; exact without structural operators, necessary with them. */
    private static boolean holds(Spanset s, long hits) {
        return switch (s) {
            case FilterRef f -> (hits & (1L << f.index())) != 0;
            case SpansetOp op -> op.isAnd() ? holds(op.left(), hits) && holds(op.right(), hits)
                    : holds(op.left(), hits) || holds(op.right(), hits);
            case Structural st -> st.isNot() ? holds(st.right(), hits) : holds(st.left(), hits) && holds(st.right(), hits);
        };
    }

    private boolean aggregatesHold(TraceAccumulator t) {
        for (int k = 0; k < aggregates.size(); k++) {
            AggregateStage a = aggregates.get(k);
            double v;
            if (a.fn() == Aggregate.COUNT) {
                v = t.matched;
            } else if (t.counts[k] == 0) {
                return false; // no span had a numeric value to aggregate
            } else {
                v = switch (a.fn()) {
                    case AVG -> t.sums[k] / t.counts[k];
                    case MIN -> t.mins[k];
                    case MAX -> t.maxs[k];
                    case SUM -> t.sums[k];
                    case COUNT -> throw new IllegalStateException("BUG: count handled above");
                };
            }
            aggregateValue.floating(v);
            aggregateBound.floating(a.value().type() == Type.DOUBLE ? a.value().d() : a.value().l());
            if (!SpanMatcher.compare(a.op(), aggregateValue, aggregateBound)) {
                return false;
            }
        }
        return true;
    }

    private TraceInfo info(String traceId) {
        TraceInfo t = infos.get(traceId);
        if (t == null) {
            if (wide == null) {
                // The whole trace, not only the spans in the search range: its root may have started before it.
                wide = store.querier(Long.MIN_VALUE, Long.MAX_VALUE);
            }
            t = TraceInfo.of(wide.trace(traceId));
            infos.put(traceId, t);
        }
        return t;
    }

    private TraceSearchResult.Trace describe(TraceAccumulator t) {
        TraceInfo info = info(t.traceId);
        List<TraceSearchResult.SpanSet> sets = new ArrayList<>();
        if (t.groups != null) {
            for (TraceAccumulator.Group g : t.groups.values()) {
                sets.add(new TraceSearchResult.SpanSet(matchedSpans(g.kept), g.matched, g.label));
            }
        }
        return new TraceSearchResult.Trace(t.traceId, info.rootService(), info.rootName(), info.startNanos(),
                info.durationNanos(), matchedSpans(t.kept), t.matched, List.copyOf(sets));
    }

    private List<TraceSearchResult.MatchedSpan> matchedSpans(List<Span> kept) {
        List<TraceSearchResult.MatchedSpan> spans = new ArrayList<>(kept.size());
        for (Span s : kept) {
            spans.add(new TraceSearchResult.MatchedSpan(s.spanId(), s.name(), s.startNanos(), s.durationNanos(),
                    shown.of(s)));
        }
        return List.copyOf(spans);
    }

    /** An operand as the query names it: {@code resource.service.name}, {@code .x}, {@code name}. */
    private static String name(Operand o) {
        return switch (o) {
            case Attribute a -> a.text();
            case IntrinsicRef i -> i.intrinsic().traceQlName();
            case Literal l -> "literal";
        };
    }
}
