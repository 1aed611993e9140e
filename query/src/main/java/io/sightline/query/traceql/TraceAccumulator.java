package io.sightline.query.traceql;

import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a search keeps of one trace while it reads spans: which filters matched, the first matched spans (up to
 * spans-per-spanset), and running count/sum/min/max for the aggregate stages. Not thread-safe.
 */
final class TraceAccumulator {
    final String traceId;
    /** Bit {@code i} set when a span matched filter {@code i}. */
    long filterHits;
    int matched;
    long earliestStart = Long.MAX_VALUE;
    final List<Span> kept = new ArrayList<>(4);
    final double[] sums;
    final double[] mins;
    final double[] maxs;
    final int[] counts;
    /** Span ids seen; only when several filters may match the same span (their spansets are united). */
    private final Set<String> seen;
    /** With {@code | by(x)}: the matches by grouping value (key: typed text), in order of first match. */
    Map<String, Group> groups;

    /** One {@code by()} spanset. */
    static final class Group {
        final Attributes label;
        final List<Span> kept = new ArrayList<>(4);
        int matched;

        Group(Attributes label) {
            this.label = label;
        }
    }

    TraceAccumulator(String traceId, int aggregates, boolean isDeduplicating) {
        this.traceId = traceId;
        sums = new double[aggregates];
        mins = new double[aggregates];
        maxs = new double[aggregates];
        counts = new int[aggregates];
        Arrays.fill(mins, Double.POSITIVE_INFINITY);
        Arrays.fill(maxs, Double.NEGATIVE_INFINITY);
        seen = isDeduplicating ? new HashSet<>() : null;
    }

    /** Records a match of filter {@code filter}; returns false when the span was already counted. */
    boolean hit(int filter, Span span, int spansPerSpanSet) {
        filterHits |= 1L << filter;
        if (seen != null && !seen.add(span.spanId())) {
            return false;
        }
        matched++;
        earliestStart = Math.min(earliestStart, span.startNanos());
        if (kept.size() < spansPerSpanSet) {
            kept.add(span);
        }
        return true;
    }

    /** Records a counted span in its {@code by()} group. */
    void group(String key, Attributes label, Span span, int spansPerSpanSet) {
        if (groups == null) {
            groups = new LinkedHashMap<>();
        }
        Group g = groups.computeIfAbsent(key, k -> new Group(label));
        g.matched++;
        if (g.kept.size() < spansPerSpanSet) {
            g.kept.add(span);
        }
    }

    void aggregate(int k, double v) {
        sums[k] += v;
        counts[k]++;
        mins[k] = Math.min(mins[k], v);
        maxs[k] = Math.max(maxs[k], v);
    }
}
