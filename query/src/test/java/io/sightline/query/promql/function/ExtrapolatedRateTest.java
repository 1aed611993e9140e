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

    @Test
    void rateStaysBitForBitWhenOneWindowSlidesOverRegularAndJitteredScrapes() {
        SplittableRandom r = new SplittableRandom(7);
        Window w = new Window();
        RangeFunction rate = RangeFunctions.get("rate");
        int reusedShapes = 0;
        for (int c = 0; c < 200; c++) {
            int n = 50 + r.nextInt(200);
            long[] ts = new long[n];
            double[] vs = new double[n];
            long t = 1_000_000;
            double v = r.nextInt(3) == 0 ? 0 : r.nextDouble() * 1e6;
            boolean jitter = r.nextBoolean();
            for (int i = 0; i < n; i++) {
                ts[i] = t;
                vs[i] = v;
                t += 15_000 + (jitter ? r.nextInt(3) - 1 : 0);
                v = r.nextInt(100) == 0 ? r.nextDouble() * 10 : v + r.nextDouble() * 100; // resets now and then
            }
            long range = 60_000L * (1 + r.nextInt(5));
            long step = 15_000L * (1 + r.nextInt(4));
            w.ts = ts;
            w.values = vs;
            w.setRange(range);
            rate.prepare(w, 0, n);
            for (long end = ts[0] + 7_000; end <= ts[n - 1] + 60_000; end += step) {
                int lo = 0;
                while (lo < n && ts[lo] <= end - range) {
                    lo++;
                }
                int hi = lo;
                while (hi < n && ts[hi] <= end) {
                    hi++;
                }
                if (hi - lo < 2) {
                    continue;
                }
                w.lo = lo;
                w.hi = hi;
                w.start = end - range;
                w.end = end;
                boolean sameShape = w.shape.is(hi - lo, ts[hi - 1] - ts[lo], ts[lo] - w.start, end - ts[hi - 1], true,
                        w.rangeSeconds);
                reusedShapes += sameShape ? 1 : 0;
                assertThat(rate.apply(w)).isTrue();
                // A fresh window derives the shape anew; resets inside a window make the prefix sums differ
                // from Prometheus's loop in the last bits (see DESIGN.md), so those compare to the fresh window.
                Window fresh = new Window();
                fresh.ts = ts;
                fresh.values = vs;
                fresh.setRange(range);
                rate.prepare(fresh, 0, n);
                fresh.lo = lo;
                fresh.hi = hi;
                fresh.start = w.start;
                fresh.end = end;
                rate.apply(fresh);
                assertThat(Double.doubleToRawLongBits(w.result)).as("case %d end %d", c, end)
                        .isEqualTo(Double.doubleToRawLongBits(fresh.result));
                if (fresh.resetPrefix[hi - 1] == fresh.resetPrefix[lo]) {
                    double[] expected = prometheusRate(java.util.Arrays.copyOfRange(ts, lo, hi),
                            java.util.Arrays.copyOfRange(vs, lo, hi), w.start, end, range);
                    assertThat(Double.doubleToRawLongBits(w.result)).as("case %d end %d", c, end)
                            .isEqualTo(Double.doubleToRawLongBits(expected[0]));
                }
            }
        }
        assertThat(reusedShapes).as("windows that reused the previous window's shape").isGreaterThan(1_000);
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
