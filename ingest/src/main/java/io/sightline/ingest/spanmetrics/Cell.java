package io.sightline.ingest.spanmetrics;

import io.sightline.storage.Appender;
import io.sightline.storage.model.Labels;

/**
 * The counters of one label set and the TSDB series they are written as. Updates come from concurrent commit
 * threads and synchronise on the cell; {@link #values} runs under the flush's exclusive lock. The series labels
 * and storage references are built once, so a flush appends without building labels.
 */
abstract class Cell {
    final Labels[] series;
    /** Storage series references, touched only by the (single) flushing thread. */
    final long[] refs;

    Cell(int seriesCount) {
        this.series = new Labels[seriesCount];
        this.refs = new long[seriesCount];
        for (int i = 0; i < seriesCount; i++) {
            refs[i] = Appender.NO_REF;
        }
    }

    /** The current value of every series, in {@link #series} order. */
    abstract void values(double[] out);

    /** Sets series {@code i} from its stored value (at start-up, before any update). */
    abstract void restore(int i, double value);

    /** The position of {@code labels} in {@link #series}, or -1 (e.g. the bucket bounds changed). */
    final int indexOf(Labels labels) {
        for (int i = 0; i < series.length; i++) {
            if (series[i].equals(labels)) {
                return i;
            }
        }
        return -1;
    }
}
