package io.sightline.storage;

/** Why storage refused a single sample. A closed set: every rejection is counted under one of these. */
public enum RejectReason {
    /** Older than the newest sample of its series and outside the out-of-order window. */
    OUT_OF_ORDER,
    /** Older than the head's minimum valid time (already compacted to a block) or too far in the future. */
    OUT_OF_BOUNDS,
    /** Same timestamp as an existing sample but a different value. */
    DUPLICATE,
    /** Older than the retention period. */
    TOO_OLD,
    /** A configured limit (series count, labels) was hit. */
    LIMIT;

    /** The negative code {@link Appender#append} returns for this reason. */
    public long code() {
        return -1L - ordinal();
    }

    /** The reason for a negative code returned by {@link Appender#append}. */
    public static RejectReason ofCode(long code) {
        if (code >= 0) {
            throw new IllegalArgumentException("not a rejection code: " + code);
        }
        return values()[(int) (-1L - code)];
    }

    public static boolean isRejected(long appendResult) {
        return appendResult < 0;
    }
}
