package io.sightline.storage.traces;

import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.CorruptDataException;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Trace and span ids: lower-case hex in the model, raw bytes on disk (16 and 8 bytes), which halves them and
 * is what makes the trace-id index key fixed-width.
 */
final class Ids {
    static final int TRACE_BYTES = 16;
    static final int SPAN_BYTES = 8;
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    /** Throws when {@code id} is not {@code bytes * 2} lower-case hex characters. */
    static void check(String what, String id, int bytes) {
        if (id.length() != bytes * 2 || !isLowerHex(id)) {
            throw new IllegalArgumentException(what + " must be " + bytes * 2 + " lower-case hex characters, got \"" + id + "\"");
        }
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** Writes the raw bytes of checked hex {@code id}. */
    static void put(String id, ByteSink sink) {
        sink.ensure(id.length() / 2);
        for (int i = 0; i < id.length(); i += 2) {
            sink.buffer().put((byte) (nibble(id.charAt(i)) << 4 | nibble(id.charAt(i + 1))));
        }
    }

    /** The raw bytes of checked hex {@code id} into {@code out} at {@code at}. */
    static void toBytes(String id, byte[] out, int at) {
        for (int i = 0; i < id.length(); i += 2) {
            out[at + i / 2] = (byte) (nibble(id.charAt(i)) << 4 | nibble(id.charAt(i + 1)));
        }
    }

    static byte[] toBytes(String id) {
        byte[] b = new byte[id.length() / 2];
        toBytes(id, b, 0);
        return b;
    }

    private static int nibble(char c) {
        return c <= '9' ? c - '0' : c - 'a' + 10;
    }

    /**
     * Sorts checked lower-case hex trace ids into byte (= string) order. A primitive sort of each id's leading
     * 64 bits with its position packed into the low bits, then a string sort of the rare runs whose kept leading
     * bits are equal: the head's trace-id sort was 15% of a cut's samples as {@code Arrays.sort(String[])} (JFR).
     */
    static void sortHex(String[] ids) {
        int n = ids.length;
        int bits = Math.max(1, 32 - Integer.numberOfLeadingZeros(n)); // 2^bits > n: room for the position
        long high = -1L << bits;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ((leading64(ids[i]) & high) | i) ^ Long.MIN_VALUE; // sign flipped: unsigned order
        }
        Arrays.sort(keys);
        String[] sorted = new String[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = ids[(int) (keys[i] & ~high)];
        }
        for (int i = 0; i < n; ) { // ties on the kept bits are in position order: sort them by the whole id
            int j = i + 1;
            while (j < n && ((keys[j] ^ keys[i]) & high) == 0) {
                j++;
            }
            if (j - i > 1) {
                Arrays.sort(sorted, i, j);
            }
            i = j;
        }
        System.arraycopy(sorted, 0, ids, 0, n);
    }

    /** The value of the first 16 hex digits of checked id {@code id}. */
    private static long leading64(String id) {
        long v = 0;
        for (int i = 0; i < 16; i++) {
            v = v << 4 | nibble(id.charAt(i));
        }
        return v;
    }

    /** Reads {@code bytes} raw bytes as lower-case hex. */
    static String read(ByteBuffer in, int bytes) {
        if (in.remaining() < bytes) {
            throw new CorruptDataException(bytes + "-byte id runs past the end", in.position());
        }
        char[] c = new char[bytes * 2];
        for (int i = 0; i < bytes; i++) {
            int b = in.get() & 0xFF;
            c[2 * i] = DIGITS[b >>> 4];
            c[2 * i + 1] = DIGITS[b & 0xF];
        }
        return new String(c);
    }

    static String hex(byte[] raw, int at, int bytes) {
        char[] c = new char[bytes * 2];
        for (int i = 0; i < bytes; i++) {
            int b = raw[at + i] & 0xFF;
            c[2 * i] = DIGITS[b >>> 4];
            c[2 * i + 1] = DIGITS[b & 0xF];
        }
        return new String(c);
    }
}
