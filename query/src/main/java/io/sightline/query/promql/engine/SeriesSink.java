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
