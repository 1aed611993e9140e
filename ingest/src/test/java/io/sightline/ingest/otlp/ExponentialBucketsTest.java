package io.sightline.ingest.otlp;

import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExponentialBucketsTest {
    private static ExponentialBuckets of(int scale, int offset, long... counts) {
        ExponentialHistogramDataPoint.Buckets.Builder b = ExponentialHistogramDataPoint.Buckets.newBuilder().setOffset(offset);
        for (long c : counts) {
            b.addBucketCounts(c);
        }
        ExponentialBuckets e = new ExponentialBuckets();
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        e.of(ExponentialHistogramDataPoint.newBuilder().setScale(scale).setCount(total).setPositive(b).build());
        return e;
    }

    @Test
    void boundsAreExactPowersOfTwoAtIntegerExponents() {
        assertThat(ExponentialBuckets.bound(3, 0)).isEqualTo(8.0);
        assertThat(ExponentialBuckets.bound(-2, 0)).isEqualTo(0.25);
        assertThat(ExponentialBuckets.bound(16, 3)).isEqualTo(4.0);
        assertThat(ExponentialBuckets.bound(1, -2)).isEqualTo(16.0);
        assertThat(ExponentialBuckets.bound(1, 1)).isEqualTo(Math.sqrt(2));
        assertThat(ExponentialBuckets.bound(100_000, -10)).isInfinite();
    }

    @Test
    void downscaleMergesNeighbourBucketsIncludingNegativeIndexes() {
        ExponentialBuckets e = of(2, -3, 1, 2, 3, 4); // indexes -3..0
        e.downscale(1);                                // -2, -1, -1, 0

        assertThat(e.scale).isEqualTo(1);
        assertThat(e.positive.offset).isEqualTo(-2);
        assertThat(e.positive.len).isEqualTo(3);
        assertThat(e.positive.counts).startsWith(1L, 5L, 4L);
    }

    @Test
    void addingDeltasAlignsScalesAndRanges() {
        ExponentialBuckets total = of(1, 0, 1, 1);   // scale 1: indexes 0, 1
        ExponentialBuckets delta = of(2, 4, 2);      // scale 2: index 4 -> scale 1 index 2
        total.add(delta);

        assertThat(total.scale).isEqualTo(1);
        assertThat(total.positive.offset).isZero();
        assertThat(total.positive.len).isEqualTo(3);
        assertThat(total.positive.counts).startsWith(1L, 1L, 2L);
        assertThat(total.count).isEqualTo(4);
    }

    @Test
    void classicFormHasAscendingBoundsWithNegativeZeroAndPositiveBuckets() {
        ExponentialBuckets e = of(0, 0, 1, 2);       // (1,2], (2,4]
        e.negative.offset = 1;                       // [-4,-2)
        e.negative.counts = new long[] {5};
        e.negative.len = 1;
        e.zeroCount = 3;
        ClassicHistogram h = new ClassicHistogram();
        e.toClassic(h);

        assertThat(h.n).isEqualTo(4);
        assertThat(h.bounds).startsWith(-2.0, 0.0, 2.0, 4.0);
        assertThat(h.counts).startsWith(5L, 3L, 1L, 2L);
    }
}
