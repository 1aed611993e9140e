package io.sightline.query.promql.engine;

/** A scalar per evaluation step. */
record Scalars(double[] values) {
    static Scalars constant(double v, int steps) {
        double[] a = new double[steps];
        java.util.Arrays.fill(a, v);
        return new Scalars(a);
    }
}
