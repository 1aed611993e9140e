package io.sightline.query.promql.engine;

import io.sightline.query.promql.function.StepSeries;

/**
 * Receives an instant vector one series at a time, so that an aggregation can fold each series into its
 * group without the whole vector being built. The series passed may be a buffer the producer reuses for the
 * next series: read it during the call, never keep it.
 */
@FunctionalInterface
interface SeriesSink {
    void accept(StepSeries s);
}

/**
 * A sink that folds series into the groups of an aggregation. Folds into different groups touch disjoint
 * state, so a big range function may hand whole groups to a helper thread: each group still sees its members
 * in order, one thread at a time.
 */
interface GroupedSink extends SeriesSink {
    /** Every series' group, creating the groups; on the query thread, before any fold. */
    int[] groupsOf(java.util.List<io.sightline.storage.model.Labels> labels);

    /** Folds a series into its group; safe on two threads at once for different groups. */
    void fold(int group, StepSeries s);
}
