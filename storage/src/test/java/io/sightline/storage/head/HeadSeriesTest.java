package io.sightline.storage.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.storage.RejectReason;
import io.sightline.storage.index.SampleBuffer;
import io.sightline.storage.index.SeriesChunks;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.StaleMarker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * A head series is its own open chunk: its newest time and value come from the chunk's state, which must
 * survive sealing, re-encoding (finer exponent, XOR) and out-of-order rebuilds.
 */
class HeadSeriesTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final long BLOCK = 2 * 3600_000L;
    private static final long WINDOW = 3600_000L;

    @Test
    void theNewestSampleIsIdempotentAndAnotherValueAtItsTimeADuplicate() {
        double[] lastValues = {12.5, 7, Double.NaN, StaleMarker.VALUE, -0.0, 1e300, 0.1 + 0.2};
        for (double last : lastValues) {
            HeadSeries s = series();
            assertThat(s.maxTime()).isEqualTo(Long.MIN_VALUE);
            assertThat(s.apply(T0, 3.25, WINDOW, BLOCK, null)).isEqualTo(HeadSeries.ACCEPTED);
            assertThat(s.apply(T0 + 15_000, last, WINDOW, BLOCK, null)).isEqualTo(HeadSeries.ACCEPTED);
            assertThat(s.maxTime()).isEqualTo(T0 + 15_000);
            assertThat(s.check(T0 + 15_000, last, WINDOW)).as("same bits of %s", last).isEqualTo(HeadSeries.IDEMPOTENT);
            assertThat(s.check(T0 + 15_000, 99.5, WINDOW)).as("other value than %s", last)
                    .isEqualTo(RejectReason.DUPLICATE.code());
        }
    }

    @Test
    void theNewestValueIsKeptAcrossAChunkCutAndASeal() {
        HeadSeries s = series();
        int n = HeadSeries.CHUNK_SAMPLES + 1; // the last one opens a new chunk
        for (int i = 0; i < n; i++) {
            s.apply(T0 + i * 15_000L, i * 0.5, WINDOW, BLOCK, null);
        }
        long last = T0 + (n - 1) * 15_000L;
        assertThat(s.check(last, (n - 1) * 0.5, WINDOW)).isEqualTo(HeadSeries.IDEMPOTENT);
        assertThat(s.chunksBefore(last + 1)).hasSize(2); // seals the open chunk too
        assertThat(s.maxTime()).isEqualTo(last);
        assertThat(s.check(last, (n - 1) * 0.5, WINDOW)).isEqualTo(HeadSeries.IDEMPOTENT);
        assertThat(s.check(last, 1, WINDOW)).isEqualTo(RejectReason.DUPLICATE.code());
        assertThat(s.check(last - 1, 1, 0)).isEqualTo(RejectReason.OUT_OF_ORDER.code());
    }

    @Test
    void outOfOrderSamplesInsideTheOpenChunkKeepTheNewestValue() {
        HeadSeries s = series();
        s.apply(T0, 1, WINDOW, BLOCK, null);
        s.apply(T0 + 30_000, 3.75, WINDOW, BLOCK, null);
        assertThat(s.apply(T0 + 15_000, 2.125, WINDOW, BLOCK, null)).isEqualTo(HeadSeries.ACCEPTED);
        assertThat(s.apply(T0 + 15_000, 2.125, WINDOW, BLOCK, null)).isEqualTo(HeadSeries.IDEMPOTENT);
        assertThat(s.apply(T0 + 15_000, 2, WINDOW, BLOCK, null)).isEqualTo(RejectReason.DUPLICATE.code());
        assertThat(s.maxTime()).isEqualTo(T0 + 30_000);
        assertThat(s.check(T0 + 30_000, 3.75, WINDOW)).isEqualTo(HeadSeries.IDEMPOTENT);
        SeriesChunks chunks = s.snapshot(T0, T0 + 30_000);
        SampleBuffer b = new SampleBuffer();
        chunks.decode(chunks.chunkCount() - 1, b);
        assertThat(b.count).isEqualTo(3);
        assertThat(b.values[1]).isEqualTo(2.125);
    }

    @Test
    void theNewestValueSurvivesReencodesToAFinerExponentAndToXor() {
        HeadSeries s = series();
        double[] vs = {1, 2, 2.5, 2.75, 2.875, Math.PI, 4};
        for (int i = 0; i < vs.length; i++) {
            s.apply(T0 + i * 15_000L, vs[i], WINDOW, BLOCK, null);
            assertThat(s.check(T0 + i * 15_000L, vs[i], WINDOW)).as("value %d", i).isEqualTo(HeadSeries.IDEMPOTENT);
        }
        SeriesChunks chunks = s.snapshot(T0, T0 + vs.length * 15_000L);
        SampleBuffer b = new SampleBuffer();
        chunks.decode(0, b);
        for (int i = 0; i < vs.length; i++) {
            assertThat(Double.doubleToRawLongBits(b.values[i])).isEqualTo(Double.doubleToRawLongBits(vs[i]));
        }
    }

    @Test
    void anOutOfOrderSampleBeforeTheOpenChunksFirstKeepsTheChunksBlockWindow() {
        // The window end is kept relative to the chunk's first sample, which the insert moves earlier.
        HeadSeries s = series();
        long windowEnd = T0 + BLOCK;
        s.apply(T0 + 600_000, 1, WINDOW, BLOCK, null);
        s.apply(T0 + 615_000, 2, WINDOW, BLOCK, null);
        assertThat(s.apply(T0 + 60_000, 0.5, WINDOW, BLOCK, null)).isEqualTo(HeadSeries.ACCEPTED);
        s.apply(windowEnd - 1, 3, WINDOW, BLOCK, null);
        s.apply(windowEnd, 4, WINDOW, BLOCK, null);
        assertThat(chunkSizesBefore(s, windowEnd + 1)).containsExactly(4, 1);
    }

    @Test
    void chunksAreCutAtBlockBoundariesOfEveryLength() {
        // 2 h; over a signed int of milliseconds (30 days); over an unsigned one (60 days), where the window
        // end is not kept and the boundary is computed per sample.
        for (long block : new long[] {BLOCK, 30L * 86_400_000, 60L * 86_400_000}) {
            HeadSeries s = series();
            long windowEnd = (Math.floorDiv(T0, block) + 1) * block;
            s.apply(T0, 1, WINDOW, block, null);
            s.apply(T0 + 15_000, 2, WINDOW, block, null);
            s.apply(windowEnd - 1, 3, WINDOW, block, null);
            s.apply(windowEnd, 4, WINDOW, block, null);
            s.apply(windowEnd + block - 1, 5, WINDOW, block, null);
            s.apply(windowEnd + block, 6, WINDOW, block, null);
            assertThat(chunkSizesBefore(s, windowEnd + 2 * block)).as("block %d ms", block).containsExactly(3, 2, 1);
        }
    }

    @Test
    void theWalAndRemovedFlagsAreSetIndependently() {
        HeadSeries s = series();
        assertThat(s.isLoggedToWal()).isFalse();
        assertThat(s.isRemoved()).isFalse();
        s.setLoggedToWal(true);
        s.markRemoved();
        assertThat(s.isLoggedToWal()).isTrue();
        assertThat(s.isRemoved()).isTrue();
        s.setLoggedToWal(false);
        assertThat(s.isLoggedToWal()).isFalse();
        assertThat(s.isRemoved()).isTrue();
    }

    /** Sample counts of the series' chunks before {@code maxt} (sealing the open one when it starts before). */
    private static List<Integer> chunkSizesBefore(HeadSeries s, long maxt) {
        List<Integer> sizes = new ArrayList<>();
        SampleBuffer b = new SampleBuffer();
        for (SealedChunk c : s.chunksBefore(maxt)) {
            c.decodeInto(b);
            sizes.add(b.count);
        }
        return sizes;
    }

    private static HeadSeries series() {
        return new HeadSeries(1, Labels.of("__name__", "m"));
    }
}
