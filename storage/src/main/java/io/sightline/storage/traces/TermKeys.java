package io.sightline.storage.traces;

import io.sightline.storage.SpanTerm;

/**
 * Postings keys of a segment: {@code field (4 bits) | key id (28 bits) | value (32 bits)}, where ids are the
 * segment's dictionary ids and the value of KIND and STATUS is the OTLP number. Sorted keys group by field, so
 * the values of one intrinsic field are a contiguous run.
 */
final class TermKeys {
    static final int MAX_KEY_ID = (1 << 28) - 1;

    private TermKeys() {
    }

    static long key(SpanTerm.Field field, int keyId, int value) {
        if (keyId > MAX_KEY_ID) {
            throw new IllegalStateException("attribute key id " + keyId + " exceeds " + MAX_KEY_ID);
        }
        return (long) field.ordinal() << 60 | (long) keyId << 32 | (value & 0xFFFFFFFFL);
    }

    static int field(long key) {
        return (int) (key >>> 60);
    }

    static int value(long key) {
        return (int) key;
    }
}
