package io.sightline.storage.traces;

import io.sightline.storage.SpanTerm;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Reads the heads and the held segments (newest first) of one time range; both were taken together when the
 * querier was made. Not thread-safe.
 */
final class EngineQuerier implements TraceQuerier {
    private final TraceEngine engine;
    private final List<TraceHead> heads;
    private final List<Segment> segments;
    private final SegmentSearch search;
    private final long min;
    private final long max;
    private boolean isClosed;

    EngineQuerier(TraceEngine engine, List<TraceHead> heads, List<Segment> segments, long min, long max) {
        this.engine = engine;
        this.heads = heads;
        this.segments = segments;
        this.search = new SegmentSearch(min, max);
        this.min = min;
        this.max = max;
    }

    private boolean inRange(Span s) {
        return s.startNanos() >= min && s.startNanos() <= max;
    }

    private void requireOpen() {
        if (isClosed) {
            throw new IllegalStateException("trace querier is closed");
        }
    }

    @Override
    public List<Span> trace(String traceId) {
        Ids.check("trace id", traceId, Ids.TRACE_BYTES);
        requireOpen();
        List<Span> out = new ArrayList<>();
        engine.readHeads(heads, h -> h.trace(traceId, min, max, out));
        byte[] id = Ids.toBytes(traceId);
        int[] named = engine.segmentsOf(id);
        for (Segment s : segments) {
            for (int n : named) {
                if (s.number() == n) {
                    search.trace(s, id, traceId, out);
                    break;
                }
            }
        }
        out.sort(Comparator.comparingLong(Span::startNanos));
        return out;
    }

    @Override
    public void select(List<SpanTerm> terms, Visitor visitor) {
        requireOpen();
        List<Span> found = new ArrayList<>();
        // Copied out under the lock, visited after it, so a slow visitor does not hold up commits.
        engine.readHeads(heads, h -> {
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
        for (Segment s : segments) {
            if (!search.select(s, terms, visitor)) {
                return;
            }
        }
    }

    @Override
    public List<String> attributeNames(Scope scope) {
        requireOpen();
        TreeSet<String> names = new TreeSet<>();
        forEachHeadSpan(s -> {
            Attributes a = scope == Scope.SPAN ? s.attributes() : s.resource();
            for (int i = 0; i < a.size(); i++) {
                names.add(a.key(i));
            }
        });
        for (Segment s : segments) {
            search.attributeNames(s, scope, names);
        }
        return new ArrayList<>(names);
    }

    @Override
    public List<String> attributeValues(Scope scope, String key, int limit) {
        requireLimit(limit);
        requireOpen();
        TreeSet<String> values = new TreeSet<>();
        forEachHeadSpan(s -> {
            String v = (scope == Scope.SPAN ? s.attributes() : s.resource()).get(key);
            if (v != null) {
                values.add(v);
            }
        });
        for (Segment s : segments) {
            search.attributeValues(s, scope, key, values);
        }
        return limited(values, limit);
    }

    @Override
    public List<String> intrinsicValues(SpanTerm.Field field, int limit) {
        TermFilter.requireIntrinsic(field);
        requireLimit(limit);
        requireOpen();
        TreeSet<String> values = new TreeSet<>();
        forEachHeadSpan(s -> values.add(TermFilter.intrinsic(field, s)));
        for (Segment s : segments) {
            search.intrinsicValues(s, field, values);
        }
        return limited(values, limit);
    }

    private static void requireLimit(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("tag value limit must be > 0, got " + limit);
        }
    }

    private static List<String> limited(Set<String> values, int limit) {
        List<String> out = new ArrayList<>(Math.min(limit, values.size()));
        for (String v : values) {
            if (out.size() == limit) {
                break;
            }
            out.add(v);
        }
        return out;
    }

    private void forEachHeadSpan(Consumer<Span> action) {
        engine.readHeads(heads, h -> {
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
        if (!isClosed) {
            isClosed = true;
            segments.forEach(Segment::release);
        }
    }
}
