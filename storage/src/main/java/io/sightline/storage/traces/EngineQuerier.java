package io.sightline.storage.traces;

import io.sightline.storage.SpanTerm;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/** Reads the heads and the held segments of one time range. Not thread-safe. */
final class EngineQuerier implements TraceQuerier {
    private final TraceEngine engine;
    private final long min;
    private final long max;
    private boolean isClosed;

    EngineQuerier(TraceEngine engine, long min, long max) {
        this.engine = engine;
        this.min = min;
        this.max = max;
    }

    private boolean inRange(Span s) {
        return s.startNanos() >= min && s.startNanos() <= max;
    }

    @Override
    public List<Span> trace(String traceId) {
        Ids.check("trace id", traceId, Ids.TRACE_BYTES);
        List<Span> out = new ArrayList<>();
        engine.readHeads(h -> h.trace(traceId, min, max, out));
        out.sort(Comparator.comparingLong(Span::startNanos));
        return out;
    }

    @Override
    public void select(List<SpanTerm> terms, Visitor visitor) {
        List<Span> found = new ArrayList<>();
        // Copied out under the lock, visited after it, so a slow visitor does not hold up commits.
        engine.readHeads(h -> {
            if (!h.overlaps(min, max)) {
                return;
            }
            List<TraceHead.Commit> commits = h.commits();
            for (int c = commits.size() - 1; c >= 0; c--) {
                for (Span s : commits.get(c).spans()) {
                    if (inRange(s) && TermFilter.matchesAll(terms, s)) {
                        found.add(s);
                    }
                }
            }
        });
        for (Span s : found) {
            if (!visitor.span(s)) {
                return;
            }
        }
    }

    @Override
    public List<String> attributeNames(Scope scope) {
        TreeSet<String> names = new TreeSet<>();
        forEachHeadSpan(s -> {
            Attributes a = scope == Scope.SPAN ? s.attributes() : s.resource();
            for (int i = 0; i < a.size(); i++) {
                names.add(a.key(i));
            }
        });
        return new ArrayList<>(names);
    }

    @Override
    public List<String> attributeValues(Scope scope, String key, int limit) {
        TreeSet<String> values = new TreeSet<>();
        forEachHeadSpan(s -> {
            String v = (scope == Scope.SPAN ? s.attributes() : s.resource()).get(key);
            if (v != null) {
                values.add(v);
            }
        });
        return limited(values, limit);
    }

    @Override
    public List<String> intrinsicValues(SpanTerm.Field field, int limit) {
        TermFilter.requireIntrinsic(field);
        TreeSet<String> values = new TreeSet<>();
        forEachHeadSpan(s -> values.add(TermFilter.intrinsic(field, s)));
        return limited(values, limit);
    }

    private static List<String> limited(TreeSet<String> values, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("tag value limit must be > 0, got " + limit);
        }
        List<String> out = new ArrayList<>(Math.min(limit, values.size()));
        for (String v : values) {
            if (out.size() == limit) {
                break;
            }
            out.add(v);
        }
        return out;
    }

    private void forEachHeadSpan(java.util.function.Consumer<Span> action) {
        engine.readHeads(h -> {
            if (!h.overlaps(min, max)) {
                return;
            }
            for (TraceHead.Commit c : h.commits()) {
                for (Span s : c.spans()) {
                    if (inRange(s)) {
                        action.accept(s);
                    }
                }
            }
        });
    }

    @Override
    public void close() {
        isClosed = true;
    }
}
