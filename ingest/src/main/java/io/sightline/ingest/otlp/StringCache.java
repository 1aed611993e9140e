package io.sightline.ingest.otlp;

import com.google.protobuf.InvalidProtocolBufferException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * UTF-8 byte slices to {@link String}s, reusing the instance made for the same bytes before: span names, attribute
 * keys and most values repeat from span to span and request to request, so the decoder makes no string for them,
 * and the trace store's cut, whose dictionary looks every string up in a hash map, finds the very same instance
 * (hash cached, {@code equals} true at the identity check). Bounded: {@value #SLOTS} slots of strings up to
 * {@value #MAX_CACHED_BYTES} bytes, two ways per hash, a newcomer evicting the older way; longer strings are made
 * fresh. Every string is checked to be valid UTF-8 as protobuf's parser checks {@code string} fields. Not
 * thread-safe: one per decoding thread. (Also the remote-write decoder's, for the labels of series new to its cache.)
 */
public final class StringCache {
    static final int SLOTS = 4096;
    static final int MAX_CACHED_BYTES = 64;
    private static final int MASK = SLOTS - 1;

    private final byte[][] keys = new byte[SLOTS][];
    private final String[] values = new String[SLOTS];
    /** Which way of a pair the next newcomer replaces. */
    private final boolean[] replaceSecond = new boolean[SLOTS / 2];

    /**
     * The string of UTF-8 {@code buf[from, from + length)}.
     *
     * @throws InvalidProtocolBufferException when the bytes are not valid UTF-8 (protobuf's message for it)
     */
    public String get(byte[] buf, int from, int length) throws InvalidProtocolBufferException {
        if (length == 0) {
            return "";
        }
        if (length > MAX_CACHED_BYTES) {
            return make(buf, from, length);
        }
        int h = 1;
        for (int i = from, end = from + length; i < end; i++) {
            h = 31 * h + buf[i];
        }
        h ^= h >>> 15;
        int slot = (h * 0x9E3779B9 >>> 20) & MASK & ~1; // a pair of ways
        for (int way = slot; way < slot + 2; way++) {
            byte[] k = keys[way];
            if (k != null && k.length == length && Arrays.equals(k, 0, length, buf, from, from + length)) {
                return values[way];
            }
        }
        String s = make(buf, from, length);
        int pair = slot >>> 1;
        int way = keys[slot] == null ? slot : keys[slot + 1] == null ? slot + 1 : replaceSecond[pair] ? slot + 1 : slot;
        replaceSecond[pair] = way == slot;
        keys[way] = Arrays.copyOfRange(buf, from, from + length);
        values[way] = s;
        return s;
    }

    private static String make(byte[] buf, int from, int length) throws InvalidProtocolBufferException {
        if (!isValidUtf8(buf, from, from + length)) {
            throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
        }
        return new String(buf, from, length, StandardCharsets.UTF_8);
    }

    /** Well-formed UTF-8 as RFC 3629 (and protobuf) define it: no overlong forms, surrogates or code points past U+10FFFF. */
    static boolean isValidUtf8(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xFF;
            if (c < 0xC2) {
                return false; // continuation byte first, or an overlong 2-byte form
            }
            if (c < 0xE0) {
                if (i + 1 >= to || !isContinuation(b[i + 1])) {
                    return false;
                }
                i += 2;
            } else if (c < 0xF0) {
                if (i + 2 >= to || !isContinuation(b[i + 1]) || !isContinuation(b[i + 2])) {
                    return false;
                }
                int c1 = b[i + 1] & 0xFF;
                if (c == 0xE0 && c1 < 0xA0 || c == 0xED && c1 >= 0xA0) {
                    return false; // overlong, or a UTF-16 surrogate
                }
                i += 3;
            } else if (c < 0xF5) {
                if (i + 3 >= to || !isContinuation(b[i + 1]) || !isContinuation(b[i + 2]) || !isContinuation(b[i + 3])) {
                    return false;
                }
                int c1 = b[i + 1] & 0xFF;
                if (c == 0xF0 && c1 < 0x90 || c == 0xF4 && c1 >= 0x90) {
                    return false; // overlong, or past U+10FFFF
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
