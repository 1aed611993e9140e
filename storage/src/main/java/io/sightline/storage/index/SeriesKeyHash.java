package io.sightline.storage.index;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The fixed-size key of a label set in the series registry map: the first {@link #BYTES} bytes of
 * SHA-256 over {@code salt, canonical label bytes}. A fixed 16-byte key keeps the map small and
 * constant-sized per entry (the variable label bytes live once, in the labels file). Salt 0 is the
 * normal key; salts 1.. are only used when a key collides with another label set's key. Thread-safe.
 */
interface SeriesKeyHash {
    int BYTES = 16;

    /** The key of {@code canonicalLabels} under {@code salt}; a new array of {@link #BYTES} bytes. */
    byte[] key(byte[] canonicalLabels, int salt);

    /**
     * SHA-256 rather than a fast non-cryptographic hash: label values come from clients, and MurmurHash3
     * has seed-independent multicollisions, so a client could force probe chains. At ~1 µs per key it is
     * paid only when a series is new to the head, not per sample.
     */
    SeriesKeyHash SHA_256 = new SeriesKeyHash() {
        private final MessageDigest prototype = newDigest();

        @Override
        public byte[] key(byte[] canonicalLabels, int salt) {
            MessageDigest digest;
            try {
                digest = (MessageDigest) prototype.clone();
            } catch (CloneNotSupportedException e) {
                digest = newDigest();
            }
            digest.update((byte) salt);
            digest.update((byte) (salt >>> 8));
            digest.update(canonicalLabels);
            return Arrays.copyOf(digest.digest(), BYTES);
        }

        private static MessageDigest newDigest() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("BUG: every Java runtime provides SHA-256", e);
            }
        }
    };
}
