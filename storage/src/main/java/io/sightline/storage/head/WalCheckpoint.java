package io.sightline.storage.head;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.MetricMetadata;

import java.util.Map;

/**
 * What must outlive the WAL segments a truncation deletes: the series still in the head (parallel arrays
 * of id and labels) and the metric metadata.
 */
public record WalCheckpoint(int[] seriesIds, Labels[] seriesLabels, Map<String, MetricMetadata> metadata) {
}
