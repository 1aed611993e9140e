package io.sightline.storage.head;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.MetricMetadata;

import java.util.Map;

/**
 * What one commit writes to the log: series new to the log, samples, metadata. A read-only view of an
 * appender's buffers, valid only during {@link HeadLog#prepare} and {@link HeadLog#log}; the new series are
 * known only in {@code log} (under the head's log lock).
 */
public interface CommitBatch {
    int newSeriesCount();

    int newSeriesId(int i);

    Labels newSeriesLabels(int i);

    int sampleCount();

    int seriesId(int i);

    long timestamp(int i);

    double value(int i);

    /** Metadata per metric family name; empty most of the time. */
    Map<String, MetricMetadata> metadata();
}
