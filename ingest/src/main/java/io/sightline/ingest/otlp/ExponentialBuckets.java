package io.sightline.ingest.otlp;

import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;

import java.util.Arrays;

/**
 * An exponential histogram being translated: scale, zero bucket and the dense positive and negative
 * bucket arrays. Bucket {@code index} at scale {@code s} covers {@code (base^index, base^(index+1)]} with
 * {@code base = 2^(2^-s)} (negative buckets mirror it). Downscaling by one merges neighbour pairs:
 * {@code index >> 1}. A mutable holder reused across points; not thread-safe.
 */
final class ExponentialBuckets {
    int scale;
    long zeroCount;
    double zeroThreshold;
    long count;
    double sum;
    boolean hasSum;
    final Dense positive = new Dense();
    final Dense negative = new Dense();

    /** Loads a data point. */
    void of(ExponentialHistogramDataPoint p) {
        scale = p.getScale();
        zeroCount = p.getZeroCount();
        zeroThreshold = p.getZeroThreshold();
        count = p.getCount();
        sum = p.getSum();
        hasSum = p.hasSum();
        positive.of(p.getPositive());
        negative.of(p.getNegative());
    }

    /** Merges neighbour buckets until the scale is at most {@code maxScale} and at most {@code maxBuckets} remain. */
    void limit(int maxScale, int maxBuckets) {
        if (scale > maxScale) {
            downscale(scale - maxScale);
        }
        while (positive.len + negative.len > maxBuckets) {
            downscale(1);
        }
    }

    void downscale(int by) {
        if (by <= 0) {
            return;
        }
        positive.downscale(by);
        negative.downscale(by);
        scale -= by;
    }

    /** Adds another histogram (a delta) into this one, first bringing both to the coarser scale. */
    void add(ExponentialBuckets o) {
        if (o.scale < scale) {
            downscale(scale - o.scale);
        } else if (o.scale > scale) {
            o.downscale(o.scale - scale);
        }
        positive.add(o.positive);
        negative.add(o.negative);
        zeroCount += o.zeroCount;
        zeroThreshold = Math.max(zeroThreshold, o.zeroThreshold);
        count += o.count;
        sum += o.sum;
        hasSum |= o.hasSum;
    }

    void set(ExponentialBuckets o) {
        scale = o.scale;
        zeroCount = o.zeroCount;
        zeroThreshold = o.zeroThreshold;
        count = o.count;
        sum = o.sum;
        hasSum = o.hasSum;
        positive.set(o.positive);
        negative.set(o.negative);
    }

    ExponentialBuckets copy() {
        ExponentialBuckets c = new ExponentialBuckets();
        c.set(this);
        return c;
    }

    /**
     * Writes the classic-bucket form into {@code out}: negative buckets from the most negative up (upper
     * bound {@code -base^index}), the zero bucket (upper bound = zero threshold), then the positive buckets
     * (upper bound {@code base^(index+1)}); the overflow bucket stays empty, since {@code +Inf} equals
     * count. Bounds that would not ascend (a positive bucket inside the zero threshold) or overflow to
     * infinity fold into the bucket below or above.
     */
    void toClassic(ClassicHistogram out) {
        out.reset(negative.len + 1 + positive.len);
        int n = 0;
        for (int i = negative.len - 1; i >= 0; i--) {
            double le = -bound(negative.offset + i, scale);
            n = put(out, n, le, negative.counts[i]);
        }
        n = put(out, n, zeroThreshold, zeroCount);
        for (int i = 0; i < positive.len; i++) {
            double le = bound(positive.offset + i + 1, scale);
            n = put(out, n, le, positive.counts[i]);
        }
        out.n = n;
        out.count = count;
        out.sum = sum;
        out.hasSum = hasSum;
    }

    private static int put(ClassicHistogram out, int n, double le, long c) {
        if (Double.isInfinite(le) && le > 0) {
            out.counts[n] += c;
            return n;
        }
        if (n > 0 && !(le > out.bounds[n - 1])) {
            out.counts[n - 1] += c;
            return n;
        }
        out.bounds[n] = le;
        out.counts[n] = c;
        return n + 1;
    }

    /** {@code base^index} at {@code scale}, exact at integer powers of two. */
    static double bound(long index, int scale) {
        if (scale <= 0) {
            long exp = index << -scale;
            return exp > 2000 ? Double.POSITIVE_INFINITY : exp < -2000 ? 0.0 : Math.scalb(1.0, (int) exp);
        }
        long perPowerOfTwo = 1L << scale;
        long whole = Math.floorDiv(index, perPowerOfTwo);
        long frac = Math.floorMod(index, perPowerOfTwo);
        if (whole > 2000) {
            return Double.POSITIVE_INFINITY;
        }
        if (whole < -2000) {
            return 0.0;
        }
        return Math.scalb(Math.pow(2.0, (double) frac / perPowerOfTwo), (int) whole);
    }

    /** Dense bucket counts starting at bucket index {@code offset}. */
    static final class Dense {
        int offset;
        long[] counts = new long[32];
        int len;

        void of(ExponentialHistogramDataPoint.Buckets b) {
            offset = b.getOffset();
            len = b.getBucketCountsCount();
            if (counts.length < len) {
                counts = new long[len];
            }
            for (int i = 0; i < len; i++) {
                counts[i] = b.getBucketCounts(i);
            }
            trim();
        }

        void downscale(int by) {
            if (len == 0) {
                offset >>= by;
                return;
            }
            int newOffset = offset >> by;
            int last = (offset + len - 1) >> by;
            long[] merged = new long[last - newOffset + 1];
            for (int i = 0; i < len; i++) {
                merged[((offset + i) >> by) - newOffset] += counts[i];
            }
            counts = merged;
            offset = newOffset;
            len = merged.length;
        }

        void add(Dense o) {
            if (o.len == 0) {
                return;
            }
            if (len == 0) {
                set(o);
                return;
            }
            int lo = Math.min(offset, o.offset);
            int hi = Math.max(offset + len, o.offset + o.len);
            long[] sum = new long[hi - lo];
            System.arraycopy(counts, 0, sum, offset - lo, len);
            for (int i = 0; i < o.len; i++) {
                sum[o.offset - lo + i] += o.counts[i];
            }
            counts = sum;
            offset = lo;
            len = sum.length;
        }

        void set(Dense o) {
            offset = o.offset;
            len = o.len;
            if (counts.length < len) {
                counts = new long[len];
            }
            System.arraycopy(o.counts, 0, counts, 0, len);
        }

        /** Drops empty buckets at both ends, so they do not become series. */
        private void trim() {
            int start = 0;
            while (start < len && counts[start] == 0) {
                start++;
            }
            int end = len;
            while (end > start && counts[end - 1] == 0) {
                end--;
            }
            if (start > 0) {
                System.arraycopy(counts, start, counts, 0, end - start);
            }
            offset += start;
            len = end - start;
            if (len == 0) {
                Arrays.fill(counts, 0);
            }
        }
    }
}
