package io.sightline.storage.traces;

import io.sightline.storage.SpanTerm;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Reads one segment for a querier: a trace by id through the trace table, term selection through postings
 * (only pages with candidate rows are decompressed), tag listings from the tag table where the segment lies
 * inside the range and from the rows in range where it straddles an end. Not thread-safe (one per querier).
 */
final class SegmentSearch {
    private final long min;
    private final long max;

    SegmentSearch(long min, long max) {
        this.min = min;
        this.max = max;
    }

    private boolean inRange(long start) {
        return start >= min && start <= max;
    }

    /** Adds the spans of trace {@code id} in range to {@code out}. */
    void trace(Segment s, byte[] id, String hex, List<Span> out) {
        int t = s.findTrace(id);
        if (t < 0) {
            return;
        }
        int from = s.traceFirstRow(t);
        int to = s.traceFirstRow(t + 1);
        for (int p = s.pageOf(from); p <= s.pageOf(to - 1); p++) {
            if (!s.pageOverlaps(p, min, max)) {
                continue;
            }
            DecodedPage page = s.page(p);
            int first = s.pageFirstRow(p);
            for (int row = Math.max(from, first); row < Math.min(to, first + page.rows()); row++) {
                if (inRange(page.start(row - first))) {
                    out.add(page.span(row - first, hex));
                }
            }
        }
    }

    /**
     * Visits the spans in range matching every term; returns false when the visitor stopped.
     */
    boolean select(Segment s, List<SpanTerm> terms, TraceQuerier.Visitor visitor) {
        if (s.minTime() > max || s.maxTime() < min) {
            return true;
        }
        RoaringBitmap candidates = null;
        List<SpanTerm> residual = new ArrayList<>();
        for (SpanTerm term : terms) {
            long key = postingsKey(s, term);
            if (key == NO_POSTINGS) {
                residual.add(term);
                continue;
            }
            RoaringBitmap rows = key == NO_MATCH ? new RoaringBitmap() : s.postings(key);
            candidates = candidates == null ? rows : RoaringBitmap.and(candidates, rows);
            if (candidates.isEmpty()) {
                return true;
            }
        }
        for (int p = 0; p < s.pages(); p++) {
            if (!s.pageOverlaps(p, min, max)) {
                continue;
            }
            int first = s.pageFirstRow(p);
            int end = s.pageFirstRow(p + 1);
            if (candidates != null && candidates.rangeCardinality(first, end) == 0) {
                continue;
            }
            DecodedPage page = s.page(p);
            int trace = -1;
            String traceHex = null;
            for (int row = first; row < end; row++) {
                if (candidates != null && !candidates.contains(row) || !inRange(page.start(row - first))) {
                    continue;
                }
                int t = s.traceOfRow(row);
                if (t != trace) {
                    trace = t;
                    traceHex = s.traceHex(t);
                }
                Span span = page.span(row - first, traceHex);
                if (TermFilter.matchesAll(residual, span) && !visitor.span(span)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static final long NO_POSTINGS = -1;
    private static final long NO_MATCH = -2;

    /** The postings key answering {@code term}, {@link #NO_MATCH} when nothing can match, or {@link #NO_POSTINGS}. */
    private static long postingsKey(Segment s, SpanTerm term) {
        Dictionary dict = s.tables().dict();
        return switch (term.field()) {
            case SERVICE, NAME -> {
                int v = dict.find(term.value());
                yield v < 0 ? NO_MATCH : TermKeys.key(term.field(), 0, v);
            }
            case KIND, STATUS -> {
                int v = smallInt(term.value());
                yield v < 0 ? NO_MATCH : TermKeys.key(term.field(), 0, v);
            }
            case SPAN_ATTRIBUTE, RESOURCE_ATTRIBUTE -> {
                if (!s.isIndexed(term.key())) {
                    yield NO_POSTINGS;
                }
                int k = dict.find(term.key());
                int v = dict.find(term.value());
                yield k < 0 || v < 0 ? NO_MATCH : TermKeys.key(term.field(), k, v);
            }
        };
    }

    /** A kind or status number as a term writes it ("2"), else -1 (such a term matches no span). */
    private static int smallInt(String v) {
        return v.length() == 1 && v.charAt(0) >= '0' && v.charAt(0) <= '9' ? v.charAt(0) - '0' : -1;
    }

    /** Whether the whole segment lies inside the range, so its tables answer for it. */
    private boolean isInside(Segment s) {
        return s.minTime() >= min && s.maxTime() <= max;
    }

    private boolean overlaps(Segment s) {
        return s.minTime() <= max && s.maxTime() >= min;
    }

    void attributeNames(Segment s, TraceQuerier.Scope scope, Set<String> out) {
        if (isInside(s)) {
            s.tagKeys(scope).forEach(out::add);
        } else if (overlaps(s)) {
            forEachSpanInRange(s, span -> {
                Attributes a = scope == TraceQuerier.Scope.SPAN ? span.attributes() : span.resource();
                for (int i = 0; i < a.size(); i++) {
                    out.add(a.key(i));
                }
            });
        }
    }

    void attributeValues(Segment s, TraceQuerier.Scope scope, String key, Set<String> out) {
        if (isInside(s)) {
            for (int id : s.tagValues(scope, key)) {
                out.add(s.tables().dict().get(id));
            }
        } else if (overlaps(s)) {
            forEachSpanInRange(s, span -> {
                String v = (scope == TraceQuerier.Scope.SPAN ? span.attributes() : span.resource()).get(key);
                if (v != null) {
                    out.add(v);
                }
            });
        }
    }

    void intrinsicValues(Segment s, SpanTerm.Field field, Set<String> out) {
        if (isInside(s)) {
            long from = TermKeys.key(field, 0, 0);
            for (int i = s.lowerBound(from); i < s.postingsCount(); i++) {
                long key = s.postingKey(i);
                if (TermKeys.field(key) != field.ordinal()) {
                    break;
                }
                int v = TermKeys.value(key);
                out.add(field == SpanTerm.Field.KIND || field == SpanTerm.Field.STATUS ? Integer.toString(v)
                        : s.tables().dict().get(v));
            }
        } else if (overlaps(s)) {
            forEachSpanInRange(s, span -> out.add(TermFilter.intrinsic(field, span)));
        }
    }

    private void forEachSpanInRange(Segment s, Consumer<Span> action) {
        select(s, List.of(), span -> {
            action.accept(span);
            return true;
        });
    }

    /** Adds the commits of {@code s} after {@code after}, by sequence, to {@code out}. */
    void commitsAfter(Segment s, long after, TreeMap<Long, List<Span>> out) {
        if (s.maxSeq() <= after) {
            return;
        }
        for (int p = 0; p < s.pages(); p++) {
            DecodedPage page = s.page(p);
            int first = s.pageFirstRow(p);
            for (int i = 0; i < page.rows(); i++) {
                long seq = page.seq(i);
                if (seq > after) {
                    out.computeIfAbsent(seq, k -> new ArrayList<>()).add(page.span(i, s.traceHex(s.traceOfRow(first + i))));
                }
            }
        }
    }
}
