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
     * first), and only those whose body contains every one of {@code mustContain} (case-sensitive substrings):
     * pages that cannot hold them are not read, and rows without them are not decoded.
     *
     * @throws StorageException when no matcher excludes the empty string (as in Loki)
     */
    void select(List<Matcher> matchers, List<String> mustContain, boolean forward, Visitor visitor);

    /** Receives how much one stream holds over a span of time. */
    interface VolumeVisitor {
        void span(Labels stream, long minNanos, long maxNanos, long entries, long bytes);
    }

    /**
     * Reports the entries and bytes of the streams matching every matcher, from the index alone (no page is read):
     * one span per segment page (its rows and uncompressed bytes, prorated by how much of the page's time lies in
     * range) and one per head record (its body bytes). Cheap at any range; approximate at page edges.
     */
    void volume(List<Matcher> matchers, VolumeVisitor visitor);

    /** Tells the store which spans of time it may count as one (see {@link #count}). */
    interface SpanSplitter {
        /** Whether rows at {@code minNanos} and at {@code maxNanos} may belong to different buckets of the caller. */
        boolean splits(long minNanos, long maxNanos);
    }

    /**
     * Counts the entries and body bytes (UTF-8) of the streams matching every matcher within the querier's range,
     * exactly and without decoding bodies: one span per segment page that lies wholly in range and that
     * {@code splitter} does not split (its time bounds, rows and body bytes from the page index); otherwise one span
     * per row ({@code minNanos == maxNanos}), read from the page's timestamp and body-length columns; one span per
     * head record. For {@code count_over_time}, {@code bytes_over_time} and their rates without a pipeline.
     *
     * @throws StorageException when no matcher excludes the empty string (as in Loki)
     */
    void count(List<Matcher> matchers, SpanSplitter splitter, VolumeVisitor visitor);

    /** Streams matching every matcher with records in range, sorted. */
    List<Labels> streams(List<Matcher> matchers);

    /** Stream label names, sorted, of streams matching all matchers (all when none). */
    List<String> labelNames(List<Matcher> matchers);

    /** Values of one stream label, sorted, among streams matching all matchers (all when none). */
    List<String> labelValues(String name, List<Matcher> matchers);

    @Override
    void close();
}
