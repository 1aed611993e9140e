package io.sightline.query.promql.function;

/**
 * The samples of one series inside one evaluation window {@code (start, end]}: indexes {@code lo..hi)} of
 * {@code ts}/{@code values}. Reused across steps and series so that the step loop allocates nothing.
 */
public final class Window {
    public long[] ts;
    public double[] values;
    public int lo;
    public int hi;
    /** Exclusive window start, ms. */
    public long start;
    /** Inclusive window end, ms. */
    public long end;
    /** The step's evaluation time (before offset), ms. */
    public long evalTime;
    public long rangeMillis;
    /** {@code rangeMillis / 1000.0}, computed once per query rather than in every step's rate. */
    public double rangeSeconds;
    /** Scalar arguments of the function at this step (e.g. the quantile), in argument order. */
    public double[] args = new double[0];
    /** A scratch buffer functions may use (sorting for quantiles). */
    public double[] scratch = new double[16];

    /** Kahan compensation slots and a two-value output, reused by functions. */
    public final double[] comp = new double[4];
    public final double[] pair = new double[2];

    public final MeanAccumulator mean = new MeanAccumulator();

    /** Where a function writes its result. */
    public double result;

    /**
     * Counter-reset corrections, prefix-summed per series by {@link RangeFunction#prepare}: index
     * {@code k - prefixFrom} holds the sum of pre-reset values up to sample k.
     */
    public double[] resetPrefix = new double[64];
    public int prefixFrom;

    /** rate/increase/delta's last window shape and the extrapolation derived from it. */
    final WindowShape shape = new WindowShape();

    public void setRange(long millis) {
        rangeMillis = millis;
        rangeSeconds = millis / 1000.0;
        shape.clear();
    }

    public int count() {
        return hi - lo;
    }

    double[] scratch(int n) {
        if (scratch.length < n) {
            scratch = new double[Math.max(n, scratch.length * 2)];
        }
        return scratch;
    }
}
