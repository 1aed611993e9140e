package io.sightline.storage.index;

import java.security.DigestException;
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

    /** As {@link #key(byte[], int)}, into {@code out} at {@code at} ({@link #BYTES} bytes). */
    default void key(byte[] canonicalLabels, int salt, byte[] out, int at) {
        byte[] key = key(canonicalLabels, salt);
        if (key.length != BYTES) {
            throw new IllegalStateException("BUG: series key of " + key.length + " bytes, not " + BYTES);
        }
        System.arraycopy(key, 0, out, at, BYTES);
    }

    /**
     * SHA-256 rather than a fast non-cryptographic hash: label values come from clients, and MurmurHash3
     * has seed-independent multicollisions, so a client could force probe chains. At ~1 µs per key it is
     * paid only when a series is new to the head, not per sample.
     */
    SeriesKeyHash SHA_256 = new SeriesKeyHash() {
        /**
         * One digest per thread, with the buffer it digests into: cloning or looking one up per key costs as
         * much as hashing, and {@code digest()} would allocate the full 32-byte hash per key.
         */
        private final ThreadLocal<Digest> digests = ThreadLocal.withInitial(Digest::new);

        @Override
        public byte[] key(byte[] canonicalLabels, int salt) {
            return Arrays.copyOf(digest(canonicalLabels, salt), BYTES);
        }

        @Override
        public void key(byte[] canonicalLabels, int salt, byte[] out, int at) {
            System.arraycopy(digest(canonicalLabels, salt), 0, out, at, BYTES);
        }

        /** The full SHA-256 of {@code salt, canonicalLabels}, in this thread's buffer. */
        private byte[] digest(byte[] canonicalLabels, int salt) {
            Digest d = digests.get();
            d.digest.update((byte) salt);
            d.digest.update((byte) (salt >>> 8));
            d.digest.update(canonicalLabels);
            try {
                d.digest.digest(d.out, 0, d.out.length);
            } catch (DigestException e) {
                throw new IllegalStateException("BUG: SHA-256 output does not fit " + d.out.length + " bytes", e);
            }
            return d.out;
        }
    };

    /** A SHA-256 digest and its output buffer, owned by one thread. */
    final class Digest {
        final MessageDigest digest;
        final byte[] out = new byte[32];

        Digest() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("BUG: every Java runtime provides SHA-256", e);
            }
        }
    }
}
