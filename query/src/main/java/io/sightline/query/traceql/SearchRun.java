package io.sightline.query.traceql;

import io.sightline.query.QueryException;
import io.sightline.query.TraceSearchResult;
import io.sightline.query.traceql.Ast.*;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
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
 */
final class SearchRun {
    /** The deadline is checked once per this many spans. */
    private static final int CHECK_EVERY = 4096;
    static final long FIRST_WINDOW_NANOS = 60_000_000_000L;

    private final Query query;
    private final TraceStore store;
    private final long startNanos;
    private final long endNanos;
    private final int spansPerSpanSet;
    private final long maxSpans;
    private final long deadlineNanos;
    private final List<AggregateStage> aggregates = new ArrayList<>();
    private final Map<String, TraceAccumulator> traces = new HashMap<>();
    private final Map<String, TraceInfo> infos = new HashMap<>();
    private final SpanMatcher matcher = new SpanMatcher(this::info);
    private final Val val = new Val();
    private final Val aggregateValue = new Val();
    private final Val aggregateBound = new Val();
    private Set<Operand> shownOperands;
    private TraceQuerier wide;
    private long inspected;
    private boolean isPartial;

    SearchRun(Query query, TraceStore store, long startNanos, long endNanos, int spansPerSpanSet, long maxSpans,
              long deadlineNanos) {
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
    }

    TraceSearchResult run(int limit) {
        try {
            if (isProvenBySingleSpans()) {
                long hi = endNanos;
                long width = FIRST_WINDOW_NANOS;
                while (!isPartial) {
                    long lo = hi - width + 1;
                    if (lo <= startNanos || lo > hi) { // past the start, or wrapped around
                        lo = startNanos;
                    }
                    scanAll(lo, hi);
                    if (lo == startNanos || traces.size() >= limit) {
                        break;
                    }
                    hi = lo - 1;
                    width = width > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : width * 4;
                }
            } else {
                scanAll(startNanos, endNanos);
            }
            List<TraceAccumulator> found = new ArrayList<>();
            for (TraceAccumulator t : traces.values()) {
                if (holds(query.spanset(), t.filterHits) && aggregatesHold(t)) {
                    found.add(t);
                }
            }
            // Newest first by the earliest matched span, then described from the whole trace and re-sorted by its start.
            found.sort(Comparator.comparingLong((TraceAccumulator t) -> t.earliestStart).reversed()
                    .thenComparing(t -> t.traceId));
            List<TraceSearchResult.Trace> out = new ArrayList<>();
            for (TraceAccumulator t : found.subList(0, Math.min(limit, found.size()))) {
                out.add(describe(t));
            }
            out.sort(Comparator.comparingLong(TraceSearchResult.Trace::startNanos).reversed()
                    .thenComparing(TraceSearchResult.Trace::traceId));
            return new TraceSearchResult(List.copyOf(out), inspected, traces.size(), isPartial);
        } finally {
            if (wide != null) {
                wide.close();
            }
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
        };
    }

    private void scanAll(long lo, long hi) {
        List<Filter> filters = query.filters();
        Expr stageFilter = stageFilter();
        try (TraceQuerier querier = store.querier(lo, hi)) {
            for (int i = 0; i < filters.size() && !isPartial; i++) {
                scan(querier, i, and(filters.get(i).expr(), stageFilter), filters.size() > 1);
            }
        }
    }

    private void scan(TraceQuerier querier, int filter, Expr expr, boolean isDeduplicating) {
        querier.select(Pushdown.terms(expr), span -> {
            if (++inspected % CHECK_EVERY == 0 && System.nanoTime() - deadlineNanos > 0) {
                throw new QueryException(QueryException.ErrorType.TIMEOUT,
                        "search timed out after reading " + inspected + " spans (traces.query.timeout)");
            }
            if (matcher.matches(expr, span)) {
                TraceAccumulator t = traces.get(span.traceId());
                if (t == null) {
                    t = new TraceAccumulator(span.traceId(), aggregates.size(), isDeduplicating);
                    traces.put(span.traceId(), t);
                }
                if (t.hit(filter, span, spansPerSpanSet)) {
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
            }
            if (inspected >= maxSpans) {
                isPartial = true;
                return false;
            }
            return true;
        });
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

    private static boolean holds(Spanset s, long hits) {
        return switch (s) {
            case FilterRef f -> (hits & (1L << f.index())) != 0;
            case SpansetOp op -> op.isAnd() ? holds(op.left(), hits) && holds(op.right(), hits)
                    : holds(op.left(), hits) || holds(op.right(), hits);
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
        List<TraceSearchResult.MatchedSpan> spans = new ArrayList<>(t.kept.size());
        for (Span s : t.kept) {
            spans.add(new TraceSearchResult.MatchedSpan(s.spanId(), s.name(), s.startNanos(), s.durationNanos(),
                    shown(s)));
        }
        return new TraceSearchResult.Trace(t.traceId, info.rootService(), info.rootName(), info.startNanos(),
                info.durationNanos(), List.copyOf(spans), t.matched);
    }

    /** The values the query refers to or selects, plus service.name, as Tempo shows them on matched spans. */
    private Attributes shown(Span s) {
        Attributes.Builder b = Attributes.builder();
        String service = s.service();
        if (!service.isEmpty()) {
            b.putString(Span.SERVICE_NAME, service);
        }
        for (Operand o : shownOperands()) {
            switch (o) {
                case Attribute a -> copy(a, s, b);
                case IntrinsicRef i -> {
                    switch (i.intrinsic()) {
                        case STATUS -> b.putString("status", Enums.statusName(s.statusCode()));
                        case KIND -> b.putString("kind", Enums.kindName(s.kind()));
                        case STATUS_MESSAGE -> b.putString("statusMessage", s.statusMessage());
                        default -> {
                        } // name and duration are fields of the span already; trace-level ones of the trace
                    }
                }
                case Literal l -> {
                }
            }
        }
        return b.build();
    }

    private Set<Operand> shownOperands() {
        if (shownOperands == null) {
            Set<Operand> set = new LinkedHashSet<>();
            for (Filter f : query.filters()) {
                operands(f.expr(), set);
            }
            for (Stage s : query.stages()) {
                switch (s) {
                    case FilterStage f -> operands(f.expr(), set);
                    case SelectStage sel -> set.addAll(sel.operands());
                    case AggregateStage a -> {
                        if (a.operand() != null) {
                            set.add(a.operand());
                        }
                    }
                }
            }
            shownOperands = set;
        }
        return shownOperands;
    }

    private static void operands(Expr e, Set<Operand> into) {
        switch (e) {
            case null -> {
            }
            case Logical g -> {
                operands(g.left(), into);
                operands(g.right(), into);
            }
            case Not n -> operands(n.expr(), into);
            case Compare c -> {
                into.add(c.left());
                into.add(c.right());
            }
            case Operand o -> into.add(o);
        }
    }

    private static void copy(Attribute a, Span s, Attributes.Builder b) {
        Attributes from = a.scope().equals("resource") ? s.resource() : s.attributes();
        int i = from.indexOf(a.name());
        if (i < 0 && a.scope().isEmpty()) {
            from = s.resource();
            i = from.indexOf(a.name());
        }
        if (i < 0) {
            return;
        }
        switch (from.type(i)) {
            case INT -> b.putLong(a.name(), from.longValue(i));
            case DOUBLE -> b.putDouble(a.name(), from.doubleValue(i));
            case BOOL -> b.putBool(a.name(), from.boolValue(i));
            default -> b.putText(a.name(), from.type(i), from.text(i));
        }
    }
}
