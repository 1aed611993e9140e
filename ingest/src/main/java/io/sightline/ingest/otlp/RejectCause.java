package io.sightline.ingest.otlp;

import io.sightline.storage.RejectReason;

import java.util.Locale;

/**
 * Why one sample was not stored: the ingest-side checks first, then one entry per storage
 * {@link RejectReason}. The lower-case name is the {@code reason} label of
 * {@code sightline_ingest_samples_rejected_total}.
 */
public enum RejectCause {
    /** time_unix_nano missing (0), negative, or too far in the future. */
    INVALID_TIMESTAMP,
    /** A value not allowed for the kind, e.g. NaN for a counter. */
    INVALID_VALUE,
    /** A malformed point: bucket counts not matching bounds, bounds not ascending, unsupported scale. */
    INVALID_POINT,
    /** Sum or histogram with unspecified aggregation temporality. */
    INVALID_TEMPORALITY,
    EMPTY_METRIC_NAME,
    /** An empty or duplicate label name (remote write sends labels as they are, unlike OTLP). */
    INVALID_LABELS,
    TOO_MANY_LABELS,
    LABEL_NAME_TOO_LONG,
    LABEL_VALUE_TOO_LONG,
    STORAGE_OUT_OF_ORDER,
    STORAGE_OUT_OF_BOUNDS,
    STORAGE_DUPLICATE,
    STORAGE_TOO_OLD,
    STORAGE_LIMIT;

    private static final RejectCause[] STORAGE = {
            STORAGE_OUT_OF_ORDER, STORAGE_OUT_OF_BOUNDS, STORAGE_DUPLICATE, STORAGE_TOO_OLD, STORAGE_LIMIT};

    static {
        if (STORAGE.length != RejectReason.values().length) {
            throw new IllegalStateException("BUG: RejectCause lacks a storage RejectReason");
        }
    }

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The metric label value. */
    public String label() {
        return label;
    }

    /** The cause for a negative append result. */
    public static RejectCause ofStorageCode(long code) {
        return STORAGE[RejectReason.ofCode(code).ordinal()];
    }
}
