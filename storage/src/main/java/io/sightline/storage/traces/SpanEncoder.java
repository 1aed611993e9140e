package io.sightline.storage.traces;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable heap buffer that one appender encodes its pending spans into as they are appended, so that a commit
 * only copies finished bytes into the WAL under the engine's lock. Writes the same bytes a
 * {@link io.sightline.storage.io.ByteSink} would (little-endian, LEB128, length-prefixed UTF-8), without a
 * per-string allocation for ASCII text. Not thread-safe.
 */
final class SpanEncoder {
    /** Hex digit value per ASCII char, -1 for anything but {@code 0-9a-f}. */
    private static final byte[] NIBBLES = new byte[128];

    static {
        Arrays.fill(NIBBLES, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            NIBBLES[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            NIBBLES[c] = (byte) (c - 'a' + 10);
        }
    }

    private byte[] buf = new byte[1 << 14];
    private int size;
    /** The last value {@link #remember}ed and where its bytes are, for {@link #repeat}. */
    private Object last;
    private int lastStart;
    private int lastEnd;

    int size() {
        return size;
    }

    byte[] array() {
        return buf;
    }

    /** Forgets everything from {@code at} on (a span that failed half way). */
    void truncate(int at) {
        size = at;
        if (at < lastEnd) {
            last = null;
        }
    }

    /** Notes that the bytes from {@code start} to the end encode {@code value}, for {@link #repeat}. */
    void remember(Object value, int start) {
        last = value;
        lastStart = start;
        lastEnd = size;
    }

    /**
     * Copies the bytes of {@code value} again when it is the very object last {@link #remember}ed (the spans of
     * one request share their resource); returns false when the caller must encode it.
     */
    boolean repeat(Object value) {
        if (value != last) {
            return false;
        }
        int n = lastEnd - lastStart;
        ensure(n);
        System.arraycopy(buf, lastStart, buf, size, n);
        size += n;
        return true;
    }

    /** Forgets the content; shrinks a buffer that one huge batch grew, so an idle appender does not pin it. */
    void clear() {
        size = 0;
        last = null;
        if (buf.length > 1 << 22) {
            buf = new byte[1 << 14];
        }
    }

    private void ensure(int more) {
        if (buf.length - size < more) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    void putByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    void putLong(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
    }

    void putUvarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    void putVarint(long v) {
        putUvarint((v << 1) ^ (v >> 63));
    }

    /** A length-prefixed UTF-8 string; ASCII is copied char by char, anything else goes through the charset. */
    void putString(String s) {
        int n = s.length();
        if (n < 128) {
            ensure(n + 1);
            int at = size + 1;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    putUtf8(s);
                    return;
                }
                buf[at + i] = (byte) c;
            }
            buf[size] = (byte) n;
            size = at + n;
            return;
        }
        putUtf8(s);
    }

    private void putUtf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        putUvarint(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    /**
     * The raw bytes of hex id {@code id}, checking it on the way: {@code bytes * 2} lower-case hex characters, or
     * any even number up to 64 when {@code bytes} is negative. Throws naming {@code what}; the buffer is then
     * left with a partial id, which the caller truncates.
     */
    void putId(String what, String id, int bytes) {
        int n = id.length();
        if (bytes >= 0 ? n != bytes * 2 : n % 2 != 0 || n > 64) {
            throw badId(what, id, bytes);
        }
        ensure(n / 2);
        for (int i = 0; i < n; i += 2) {
            char hi = id.charAt(i);
            char lo = id.charAt(i + 1);
            int h = hi < 128 ? NIBBLES[hi] : -1;
            int l = lo < 128 ? NIBBLES[lo] : -1;
            if ((h | l) < 0) {
                throw badId(what, id, bytes);
            }
            buf[size++] = (byte) (h << 4 | l);
        }
    }

    private static IllegalArgumentException badId(String what, String id, int bytes) {
        return new IllegalArgumentException(bytes >= 0
                ? what + " must be " + bytes * 2 + " lower-case hex characters, got \"" + id + "\""
                : what + " must be an even number (at most 64) of lower-case hex characters, got \"" + id + "\"");
    }
}
