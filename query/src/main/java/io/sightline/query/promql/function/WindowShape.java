package io.sightline.query.promql.function;

/**
 * The part of rate/increase/delta's extrapolation that depends only on where a window's samples sit (sample
 * count, time span, gaps to both window ends), derived once and reused while the next window has the same
 * shape. With regular scrapes and a step that is a multiple of the interval nearly every window of every
 * series has the same shape, so the step costs no division; the result is the same double as deriving it
 * afresh (same inputs, same operations).
 */
final class WindowShape {
    private int count = -1;
    private long spanMillis;
    private long startGapMillis;
    private long endGapMillis;
    private boolean isRate;
    private double rangeSeconds;

    /** Seconds from the first to the last sample. */
    double sampled;
    /** Seconds to extrapolate before the first sample (before any cut at the counter's zero point). */
    double toStart;
    /** Seconds to extrapolate after the last sample. */
    double toEnd;
    /** {@code (sampled + toStart + toEnd) / sampled}, divided by the range in seconds for rate. */
    double factor;

    boolean is(int n, long span, long startGap, long endGap, boolean rate, double rangeSecs) {
        return n == count && span == spanMillis && startGap == startGapMillis && endGap == endGapMillis && rate == isRate
                && rangeSecs == rangeSeconds;
    }

    void derive(int n, long span, long startGap, long endGap, boolean rate, double rangeSecs) {
        count = n;
        spanMillis = span;
        startGapMillis = startGap;
        endGapMillis = endGap;
        isRate = rate;
        rangeSeconds = rangeSecs;
        sampled = span / 1000.0;
        double avgBetween = sampled / (n - 1);
        double threshold = avgBetween * 1.1;
        toStart = startGap / 1000.0;
        if (toStart >= threshold) {
            toStart = avgBetween / 2;
        }
        toEnd = endGap / 1000.0;
        if (toEnd >= threshold) {
            toEnd = avgBetween / 2;
        }
        factor = factor(sampled, toStart, toEnd, rate, rangeSecs);
    }

    /** Forgets the shape. */
    void clear() {
        count = -1;
    }

    static double factor(double sampled, double toStart, double toEnd, boolean rate, double rangeSeconds) {
        double factor = (sampled + toStart + toEnd) / sampled;
        return rate ? factor / rangeSeconds : factor;
    }
}
