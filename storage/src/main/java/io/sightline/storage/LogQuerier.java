package io.sightline.storage;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import io.sightline.storage.model.Matcher;

import java.util.List;

/**
 * Reads log records over a fixed time range (inclusive nanosecond bounds). Not thread-safe; one per query.
 * Segments it reads stay mapped until {@link #close()}.
 */
public interface LogQuerier extends AutoCloseable {
    /** Receives records; return {@code false} to stop. The record is only valid during the call if it is reused. */
    interface Visitor {
        boolean record(LogRecord record);
    }

    /**
     * Visits records of the streams matching every matcher, in timestamp order ({@code forward}: oldest
     * first), skipping pages that cannot hold every one of {@code mustContain} (case-sensitive substrings;
     * a hint: callers still filter each line).
     *
     * @throws StorageException when no matcher excludes the empty string (as in Loki)
     */
    void select(List<Matcher> matchers, List<String> mustContain, boolean forward, Visitor visitor);

    /** Streams matching every matcher with records in range, sorted. */
    List<Labels> streams(List<Matcher> matchers);

    /** Stream label names, sorted, of streams matching all matchers (all when none). */
    List<String> labelNames(List<Matcher> matchers);

    /** Values of one stream label, sorted, among streams matching all matchers (all when none). */
    List<String> labelValues(String name, List<Matcher> matchers);

    @Override
    void close();
}
