package io.sightline.query.promql.engine;

import io.sightline.query.promql.function.RangeFunction;
import io.sightline.query.promql.function.RangeSeries;
import io.sightline.query.promql.function.StepSeries;
import io.sightline.query.promql.function.Window;
import io.sightline.storage.model.Labels;

import java.util.Arrays;

/**
 * The sliding-window loop of a range function over one series at a time. Holds its own {@link Window}, so
 * two loops over disjoint series may run on two threads. Allocates nothing per step.
 */
final class RangeLoop {
    private final RangeFunction f;
    private final long[] times;
    private final long[] ends;
    private final long range;
    private final double[][] argValues;
    private final Window w = new Window();
    /** Samples the windows covered so far (Prometheus's queryable-samples statistic). */
    long queryable;

    RangeLoop(RangeFunction f, long[] times, long[] ends, long range, double[][] argValues) {
        this.f = f;
        this.times = times;
        this.ends = ends;
        this.range = range;
        this.argValues = argValues;
        w.setRange(range);
        w.args = new double[argValues.length];
    }

    /** A loop like this one, for another thread. */
    RangeLoop copy() {
        return new RangeLoop(f, times, ends, range, argValues);
    }

    /**
     * The series' result over all steps, or null when no step has one: written into {@code shared} (cleared
     * first) when given, else into a new series.
     */
    StepSeries run(RangeSeries rs, StepSeries shared) {
        return run(rs.labels(), rs.ts(), rs.values(), rs.from(), rs.to(), rs.dropName(), shared);
    }

    /** As {@link #run(RangeSeries, StepSeries)} over the samples {@code ts/values[from, to)} of a series. */
    StepSeries run(Labels labels, long[] ts, double[] values, int from, int to, boolean dropName, StepSeries shared) {
        w.ts = ts;
        w.values = values;
        f.prepare(w, from, to);
        int lo = from;
        int hi = from;
        StepSeries o = null;
        for (int i = 0; i < ends.length; i++) {
            long end = ends[i];
            long start = end - range;
            if (i > 0 && end < ends[i - 1]) {
                lo = from;
                hi = from;
            }
            while (hi < to && ts[hi] <= end) {
                hi++;
            }
            while (lo < hi && ts[lo] <= start) {
                lo++;
            }
            if (lo >= hi) {
                continue;
            }
            queryable += hi - lo;
            w.lo = lo;
            w.hi = hi;
            w.start = start;
            w.end = end;
            w.evalTime = times[i];
            for (int k = 0; k < argValues.length; k++) {
                w.args[k] = argValues[k][i];
            }
            if (f.apply(w)) {
                if (o == null) {
                    o = column(shared, labels, dropName);
                }
                o.set(i, w.result);
            }
        }
        return o;
    }

    private StepSeries column(StepSeries shared, Labels labels, boolean dropName) {
        StepSeries o;
        if (shared == null) {
            o = new StepSeries(labels, times.length);
        } else {
            o = shared;
            Arrays.fill(o.present, false);
            o.labels = labels;
        }
        o.dropName = dropName || f.dropsName();
        return o;
    }
}
