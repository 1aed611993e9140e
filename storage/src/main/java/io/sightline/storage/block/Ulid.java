package io.sightline.storage.block;

import java.security.SecureRandom;

/**
 * Universally unique, lexicographically sortable ids for block directories: 48 bits of creation time in
 * milliseconds and 80 random bits, in Crockford base32 (26 characters), as Prometheus names its blocks.
 */
final class Ulid {
    private static final String SYMBOLS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final char[] ALPHABET = SYMBOLS.toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ulid() {
    }

    static String next(long nowMillis) {
        char[] out = new char[26];
        long time = nowMillis;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long hi = ((random[0] & 0xFFL) << 32) | ((random[1] & 0xFFL) << 24) | ((random[2] & 0xFFL) << 16)
                | ((random[3] & 0xFFL) << 8) | (random[4] & 0xFFL);
        long lo = ((random[5] & 0xFFL) << 32) | ((random[6] & 0xFFL) << 24) | ((random[7] & 0xFFL) << 16)
                | ((random[8] & 0xFFL) << 8) | (random[9] & 0xFFL);
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo >>>= 5;
        }
        return new String(out);
    }

    static boolean isUlid(String name) {
        if (name.length() != 26) {
            return false;
        }
        for (int i = 0; i < 26; i++) {
            if (SYMBOLS.indexOf(name.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }
}
