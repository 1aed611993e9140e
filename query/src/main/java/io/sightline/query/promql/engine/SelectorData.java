package io.sightline.query.promql.engine;

import io.sightline.storage.model.Labels;

/**
 * The samples of every series one selector matched, loaded once per query into shared primitive arrays:
 * series {@code s} owns {@code ts/values[offsets[s] .. offsets[s+1])}.
 */
final class SelectorData {
    final Labels[] labels;
    final int[] offsets;
    final long[] ts;
    final double[] values;
    /** The pooled buffer behind {@code ts}/{@code values}; release it when done. */
    final SampleBufferPool.Buffer buffer;

    SelectorData(Labels[] labels, int[] offsets, SampleBufferPool.Buffer buffer) {
        this.labels = labels;
        this.offsets = offsets;
        this.buffer = buffer;
        this.ts = buffer.ts;
        this.values = buffer.values;
    }

    int size() {
        return labels.length;
    }

    int sampleCount() {
        return offsets[labels.length];
    }
}
