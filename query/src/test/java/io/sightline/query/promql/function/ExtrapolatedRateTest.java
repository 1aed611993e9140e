package io.sightline.query.promql.function;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** rate/increase give bit for bit Prometheus's extrapolation, whichever shortcut the step takes. */
class ExtrapolatedRateTest {
    @Test
    void rateMatchesPrometheusFormulaBitForBitForCountersNearAndFarFromZero() {
        SplittableRandom r = new SplittableRandom(42);
        double[] bases = {0, 1e-320, 1e-300, 0.5, 3, 1_000, 1e12, 1e300, Double.MAX_VALUE / 4};
        int nearZeroCases = 0;
        for (int c = 0; c < 20_000; c++) {
            int n = 2 + r.nextInt(30);
            long[] ts = new long[n];
            double[] vs = new double[n];
            long t = 1_000_000 + r.nextInt(20_000);
            double v = bases[r.nextInt(bases.length)] * r.nextDouble();
            for (int i = 0; i < n; i++) {
                ts[i] = t;
                vs[i] = v;
                t += 1 + r.nextInt(30_000);
                v += r.nextInt(4) == 0 ? 0 : r.nextDouble() * bases[r.nextInt(bases.length)];
            }
            long end = ts[n - 1] + r.nextInt(40_000);
            long range = end - ts[0] + 1 + r.nextInt(60_000);
            Window w = new Window();
            w.ts = ts;
            w.values = vs;
            w.lo = 0;
            w.hi = n;
            w.end = end;
            w.start = end - range;
            w.setRange(range);
            RangeFunction rate = RangeFunctions.get("rate");
            rate.prepare(w, 0, n);
            assertThat(rate.apply(w)).isTrue();
            double[] expected = prometheusRate(ts, vs, w.start, end, range);
            assertThat(Double.doubleToRawLongBits(w.result)).as("case %d", c)
                    .isEqualTo(Double.doubleToRawLongBits(expected[0]));
            nearZeroCases += expected[1] > 0 ? 1 : 0;
        }
        assertThat(nearZeroCases).as("windows where the zero point cut the extrapolation").isGreaterThan(100);
    }

    /** Prometheus's extrapolatedRate, written out plainly; [1] is 1 when the zero point shortened toStart. */
    private static double[] prometheusRate(long[] ts, double[] vs, long start, long end, long range) {
        int n = ts.length;
        double result = vs[n - 1] - vs[0];
        for (int i = 1; i < n; i++) {
            if (vs[i] < vs[i - 1]) {
                result += vs[i - 1];
            }
        }
        double sampled = (ts[n - 1] - ts[0]) / 1000.0;
        double avg = sampled / (n - 1);
        double toStart = (ts[0] - start) / 1000.0;
        double toEnd = (end - ts[n - 1]) / 1000.0;
        if (toStart >= avg * 1.1) {
            toStart = avg / 2;
        }
        double cut = 0;
        if (result > 0 && vs[0] >= 0) {
            double toZero = sampled * (vs[0] / result);
            if (toZero < toStart) {
                toStart = toZero;
                cut = 1;
            }
        }
        if (toEnd >= avg * 1.1) {
            toEnd = avg / 2;
        }
        double factor = (sampled + toStart + toEnd) / sampled;
        factor /= range / 1000.0;
        return new double[]{result * factor, cut};
    }
}
