package io.sightline.query.traceql;

import io.sightline.query.traceql.Ast.*;
import io.sightline.storage.model.Span;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a spanset expression on every span of one trace, structural operators included: which spans the
 * expression returns, by position in the span list. Parent links come from parent span ids; a span whose parent has
 * not arrived has no parent (and so no ancestors). {@code &&} returns both sides' spans when both have some, {@code
 * ||} either side's. Not thread-safe; one per trace.
 */
final class TraceStructure {
    private final List<Span> spans;
    /** Position of each span's parent, -1 for none (root, or parent not in the trace). */
    private final int[] parent;

    TraceStructure(List<Span> spans) {
        this.spans = spans;
        Map<String, Integer> byId = new HashMap<>(spans.size() * 2);
        for (int i = 0; i < spans.size(); i++) {
            byId.put(spans.get(i).spanId(), i);
        }
        parent = new int[spans.size()];
        for (int i = 0; i < spans.size(); i++) {
            Span s = spans.get(i);
            Integer p = s.isRoot() ? null : byId.get(s.parentSpanId());
            parent[i] = p == null || p == i ? -1 : p;
        }
    }

    /** The spans {@code s} returns; {@code filters} holds each filter's expression by filter number. */
    BitSet eval(Spanset s, List<Expr> filters, SpanMatcher matcher) {
        return switch (s) {
            case FilterRef f -> {
                BitSet out = new BitSet(spans.size());
                Expr e = filters.get(f.index());
                for (int i = 0; i < spans.size(); i++) {
                    if (matcher.matches(e, spans.get(i))) {
                        out.set(i);
                    }
                }
                yield out;
            }
            case SpansetOp op -> {
                BitSet l = eval(op.left(), filters, matcher);
                BitSet r = eval(op.right(), filters, matcher);
                if (op.isAnd() && (l.isEmpty() || r.isEmpty())) {
                    yield new BitSet();
                }
                l.or(r);
                yield l;
            }
            case Structural st -> related(st, eval(st.left(), filters, matcher), eval(st.right(), filters, matcher));
        };
    }

    private BitSet related(Structural st, BitSet left, BitSet right) {
        BitSet out = (BitSet) right.clone();
        if (st.isNot()) {
            out.andNot(relatives(st.relation(), left));
            return out;
        }
        out.and(relatives(st.relation(), left));
        if (st.isUnion()) {
            // The left-hand spans on the other end: the inverse relation from the right-hand spans kept.
            BitSet ends = relatives(inverse(st.relation()), out);
            ends.and(left);
            out.or(ends);
        }
        return out;
    }

    /** The spans that stand in {@code r} to some span of {@code set}. */
    private BitSet relatives(Relation r, BitSet set) {
        return switch (r) {
            case CHILD -> childrenOf(set);
            case DESCENDANT -> descendantsOf(set);
            case PARENT -> parentsOf(set);
            case ANCESTOR -> ancestorsOf(set);
            case SIBLING -> siblingsOf(set);
        };
    }

    private static Relation inverse(Relation r) {
        return switch (r) {
            case CHILD -> Relation.PARENT;
            case DESCENDANT -> Relation.ANCESTOR;
            case PARENT -> Relation.CHILD;
            case ANCESTOR -> Relation.DESCENDANT;
            case SIBLING -> Relation.SIBLING;
        };
    }

    private BitSet childrenOf(BitSet set) {
        BitSet out = new BitSet(spans.size());
        for (int i = 0; i < parent.length; i++) {
            if (parent[i] >= 0 && set.get(parent[i])) {
                out.set(i);
            }
        }
        return out;
    }

    private BitSet parentsOf(BitSet set) {
        BitSet out = new BitSet(spans.size());
        for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
            if (parent[i] >= 0) {
                out.set(parent[i]);
            }
        }
        return out;
    }

    /** Spans with an ancestor in {@code set}; each chain is walked at most as far as the trace is long (cycles). */
    private BitSet descendantsOf(BitSet set) {
        BitSet out = new BitSet(spans.size());
        for (int i = 0; i < parent.length; i++) {
            int p = parent[i];
            for (int steps = 0; p >= 0 && steps < parent.length; steps++) {
                if (set.get(p)) {
                    out.set(i);
                    break;
                }
                p = parent[p];
            }
        }
        return out;
    }

    private BitSet ancestorsOf(BitSet set) {
        BitSet out = new BitSet(spans.size());
        for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
            // A span already marked has had its own ancestors marked: stop there (also ends cycles).
            for (int p = parent[i]; p >= 0 && !out.get(p); p = parent[p]) {
                out.set(p);
            }
        }
        return out;
    }

    /** Spans sharing a parent with a different span of {@code set}. */
    private BitSet siblingsOf(BitSet set) {
        int[] inSet = new int[spans.size()];
        for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
            if (parent[i] >= 0) {
                inSet[parent[i]]++;
            }
        }
        BitSet out = new BitSet(spans.size());
        for (int i = 0; i < parent.length; i++) {
            int p = parent[i];
            if (p >= 0 && inSet[p] - (set.get(i) ? 1 : 0) > 0) {
                out.set(i);
            }
        }
        return out;
    }
}
