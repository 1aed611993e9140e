package io.sightline.storage.logs;

import io.sightline.storage.model.LogRecord;

import java.util.Comparator;

/** Records of one stream from one source, in the query's direction. Not thread-safe. */
interface RecordCursor {
    /** Moves to the next record; {@code false} at the end. Must be called before the first {@link #current()}. */
    boolean advance();

    LogRecord current();

    /** Oldest first; ties by stream so the merge is deterministic. */
    Comparator<RecordCursor> FORWARD = Comparator.<RecordCursor>comparingLong(c -> c.current().timestampNanos())
            .thenComparing(c -> c.current().stream());

    /** A cursor over an array slice taken from the head. */
    static RecordCursor of(LogRecord[] records, boolean forward) {
        return new RecordCursor() {
            private int i = forward ? -1 : records.length;

            @Override
            public boolean advance() {
                i += forward ? 1 : -1;
                return i >= 0 && i < records.length;
            }

            @Override
            public LogRecord current() {
                return records[i];
            }
        };
    }
}
