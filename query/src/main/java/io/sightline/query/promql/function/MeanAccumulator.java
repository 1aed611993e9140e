package io.sightline.query.promql.function;

/**
 * Prometheus's mean: a Kahan sum while it stays finite, then an incremental mean that keeps infinities
 * intact. Reusable via {@link #reset()}; allocation-free.
 */
public final class MeanAccumulator {
    private final double[] c = new double[1];
    private double sum;
    private double mean;
    private double count;
    private boolean incremental;

    public void reset() {
        c[0] = 0;
        sum = 0;
        mean = 0;
        count = 0;
        incremental = false;
    }

    public void add(double f) {
        count++;
        if (!incremental) {
            double before = c[0];
            double ns = MathUtil.kahanInc(f, sum, c, 0);
            if (count == 1 || !Double.isInfinite(ns)) {
                sum = ns;
                return;
            }
            c[0] = before;
            incremental = true;
            mean = sum / (count - 1);
            c[0] /= count - 1;
        }
        if (Double.isInfinite(mean)) {
            if (Double.isInfinite(f) && (mean > 0) == (f > 0)) {
                return;
            }
            if (!Double.isInfinite(f) && !Double.isNaN(f)) {
                return;
            }
        }
        double corrected = mean + c[0];
        mean = MathUtil.kahanInc(f / count - corrected / count, mean, c, 0);
    }

    public double result() {
        return incremental ? mean + c[0] : (sum + c[0]) / count;
    }
}
