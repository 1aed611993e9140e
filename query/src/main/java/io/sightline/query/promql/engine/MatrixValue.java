package io.sightline.query.promql.engine;

import io.sightline.query.promql.function.RangeSeries;

import java.util.List;

/**
 * A range vector over all steps: the series' samples plus, per step, the inclusive window end (eval time
 * after @ and offset); each window is {@code (end - rangeMillis, end]}.
 */
record MatrixValue(List<RangeSeries> series, long rangeMillis, long[] windowEnds, SampleBufferPool.Buffer buffer) {
    /** Gives the pooled sample buffer back; the series must not be read afterwards. */
    void release(QueryContext ctx) {
        if (buffer != null) {
            ctx.buffers.release(buffer);
        }
        ctx.releaseSamples(samples());
    }

    /** The points held: loaded samples of a selector, or the inner points of a subquery; both are accounted. */
    long samples() {
        long samples = 0;
        for (RangeSeries s : series) {
            samples += s.to() - s.from();
        }
        return samples;
    }
}
