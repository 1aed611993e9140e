package io.sightline.query;

import io.sightline.storage.model.Labels;

import java.util.List;

/**
 * What a LogQL query returns: log lines grouped in streams (a log query), or a {@link Value} (a metric
 * query: a vector for an instant query, a matrix for a range query).
 *
 * @param metric  the metric result, or null for a log query
 * @param streams the streams of a log query (empty for a metric query), entries in the query's direction
 * @param stats   what the query cost
 */
public record LogQueryResult(Value metric, List<Stream> streams, Stats stats) {
    public boolean isStreams() {
        return metric == null;
    }

    /** One log line. */
    public record Entry(long timestampNanos, String line) {
    }

    /** The lines of one label set (stream labels plus structured metadata and parsed labels). */
    public record Stream(Labels labels, List<Entry> entries) {
    }

    /**
     * @param linesProcessed records read from the store (before filters)
     * @param bytesProcessed their body bytes
     * @param execNanos      wall time of the evaluation
     */
    public record Stats(long linesProcessed, long bytesProcessed, long execNanos) {
    }
}
