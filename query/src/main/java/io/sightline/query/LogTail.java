package io.sightline.query;

import io.sightline.storage.model.LogRecord;

import java.util.List;

/**
 * A log query compiled for live tailing: it filters batches of freshly committed records through the query's
 * stream selector and pipeline. Not thread-safe (the pipeline reuses scratch state); one per tailing client.
 */
public interface LogTail {
    /** The lines of {@code records} the query keeps, grouped by their labels after the pipeline, in input order. */
    List<LogQueryResult.Stream> apply(List<LogRecord> records);
}
