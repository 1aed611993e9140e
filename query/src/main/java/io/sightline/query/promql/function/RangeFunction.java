package io.sightline.query.promql.function;

/** A function over the samples of a range-vector window (rate, *_over_time, ...). */
public interface RangeFunction {
    /** Computes the value for one window into {@link Window#result}; false when there is no output. */
    boolean apply(Window w);

    /**
     * Called once per series before its windows, with {@link Window#ts}/{@link Window#values} set to the
     * series' samples {@code [from, to)}: a chance to precompute what every window needs.
     */
    default void prepare(Window w, int from, int to) {
    }

    /** Whether the result drops the metric name (all but last_over_time and first_over_time). */
    default boolean dropsName() {
        return true;
    }
}
