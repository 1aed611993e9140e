package io.sightline.storage.index;

import io.sightline.storage.io.ByteReader;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.CorruptDataException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A label set coded against a base label set (version 3 of the labels file, see
 * storage/docs/format/index.md): series of one target or metric differ in one or two labels, so a label
 * equal to one of the base's costs one byte instead of its name and value. Layout:
 * {@code uvarint count, count × ref ...} where {@code ref = 0} is followed by the name and value as in the
 * canonical form, {@code ref = 2k+1} takes name and value of the base's label k, and {@code ref = 2k+2}
 * takes the base's name k and a value made of the first {@code uvarint prefix} bytes of the base's value
 * and {@code uvarint len} bytes that follow. Decoding yields the canonical label bytes.
 */
final class LabelsDelta {
    private LabelsDelta() {
    }

    /**
     * The byte ranges of a canonical label set's names and values, parsed once. Immutable once published,
     * except the labels file's own per-slot instances, which it parses each new record of a slot into under
     * its lock ({@link #parse}: a new Parsed and its four arrays per new series were ~0.2 KB of garbage).
     */
    static final class Parsed {
        byte[] canonical;
        int count;
        private int[] nameAt;
        private int[] nameLen;
        private int[] valueAt;
        private int[] valueLen;
        /** Where {@link #parse} reads in {@link #canonical}. */
        private int cursor;

        /** An empty instance for {@link #parse}. */
        Parsed() {
        }

        static Parsed of(byte[] canonical) {
            Parsed p = new Parsed();
            p.parse(canonical);
            return p;
        }

        /**
         * Makes this the parse of {@code canonical}, reusing the arrays when they are large enough.
         *
         * @throws CorruptDataException when the bytes are not a canonical label set
         */
        void parse(byte[] canonical) {
            this.canonical = canonical;
            cursor = 0;
            int n = nextCount(LabelsCodec.MAX_LABELS);
            if (nameAt == null || nameAt.length < n) {
                nameAt = new int[n];
                nameLen = new int[n];
                valueAt = new int[n];
                valueLen = new int[n];
            }
            count = n;
            for (int i = 0; i < n; i++) {
                nameLen[i] = nextCount(canonical.length - cursor);
                nameAt[i] = cursor;
                cursor += nameLen[i];
                valueLen[i] = nextCount(canonical.length - cursor);
                valueAt[i] = cursor;
                cursor += valueLen[i];
            }
            if (cursor < canonical.length) {
                throw new CorruptDataException((canonical.length - cursor) + " bytes after the last label", cursor);
            }
        }

        /** As {@link ByteReader#count} at {@link #cursor}, without a ByteBuffer around the array. */
        private int nextCount(int max) {
            int at = cursor;
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                if (shift >= 64) {
                    throw new CorruptDataException("varint longer than 10 bytes", cursor);
                }
                if (cursor >= canonical.length) {
                    throw new CorruptDataException("varint runs past the end", cursor);
                }
                byte x = canonical[cursor++];
                v |= (long) (x & 0x7F) << shift;
                if (x >= 0) {
                    break;
                }
            }
            if (v < 0 || v > max) {
                throw new CorruptDataException("count " + v + " exceeds " + max, at);
            }
            return (int) v;
        }

        private boolean isNameEqual(int i, Parsed other, int k) {
            return Arrays.equals(canonical, nameAt[i], nameAt[i] + nameLen[i],
                    other.canonical, other.nameAt[k], other.nameAt[k] + other.nameLen[k]);
        }

        /** The base label with the same name as label {@code i}, or -1; labels are sorted, so mostly {@code i} itself. */
        private int sameName(int i, Parsed base) {
            if (i < base.count && isNameEqual(i, base, i)) {
                return i;
            }
            for (int k = 0; k < base.count; k++) {
                if (k != i && isNameEqual(i, base, k)) {
                    return k;
                }
            }
            return -1;
        }

        private int commonValuePrefix(int i, Parsed base, int k) {
            int n = Math.min(valueLen[i], base.valueLen[k]);
            int m = Arrays.mismatch(canonical, valueAt[i], valueAt[i] + n, base.canonical, base.valueAt[k], base.valueAt[k] + n);
            return m < 0 ? n : m;
        }
    }

    /** Bytes {@link #write} would take for {@code record} against {@code base}. */
    static int cost(Parsed record, Parsed base) {
        int bytes = uvarintBytes(record.count);
        for (int i = 0; i < record.count; i++) {
            int k = record.sameName(i, base);
            if (k < 0) {
                bytes += 1 + uvarintBytes(record.nameLen[i]) + record.nameLen[i] + uvarintBytes(record.valueLen[i]) + record.valueLen[i];
                continue;
            }
            int prefix = record.commonValuePrefix(i, base, k);
            if (prefix == record.valueLen[i] && prefix == base.valueLen[k]) {
                bytes += uvarintBytes(2L * k + 1);
            } else {
                int suffix = record.valueLen[i] - prefix;
                bytes += uvarintBytes(2L * k + 2) + uvarintBytes(prefix) + uvarintBytes(suffix) + suffix;
            }
        }
        return bytes;
    }

    static void write(ByteSink out, Parsed record, Parsed base) {
        out.putUvarint(record.count);
        byte[] b = record.canonical;
        for (int i = 0; i < record.count; i++) {
            int k = record.sameName(i, base);
            if (k < 0) {
                out.putUvarint(0);
                out.putUvarint(record.nameLen[i]);
                putBytes(out, b, record.nameAt[i], record.nameLen[i]);
                out.putUvarint(record.valueLen[i]);
                putBytes(out, b, record.valueAt[i], record.valueLen[i]);
                continue;
            }
            int prefix = record.commonValuePrefix(i, base, k);
            if (prefix == record.valueLen[i] && prefix == base.valueLen[k]) {
                out.putUvarint(2L * k + 1);
            } else {
                int suffix = record.valueLen[i] - prefix;
                out.putUvarint(2L * k + 2);
                out.putUvarint(prefix);
                out.putUvarint(suffix);
                putBytes(out, b, record.valueAt[i] + prefix, suffix);
            }
        }
    }

    /**
     * Decodes a label set written by {@link #write} against {@code base}.
     *
     * @throws CorruptDataException when a reference or length points outside the base or the input
     */
    static Parsed read(ByteBuffer in, Parsed base) {
        int count = ByteReader.count(in, LabelsCodec.MAX_LABELS);
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * count + 8);
        LabelsCodec.uvarint(out, count);
        for (int i = 0; i < count; i++) {
            int at = in.position();
            long ref = ByteReader.uvarint(in);
            if (ref == 0) {
                copyString(in, out);
                copyString(in, out);
                continue;
            }
            long k = (ref - 1) >>> 1;
            if (k >= base.count) {
                throw new CorruptDataException("label reference " + k + " past the base's " + base.count + " labels", at);
            }
            int kk = (int) k;
            LabelsCodec.uvarint(out, base.nameLen[kk]);
            out.write(base.canonical, base.nameAt[kk], base.nameLen[kk]);
            if ((ref & 1) == 1) {
                LabelsCodec.uvarint(out, base.valueLen[kk]);
                out.write(base.canonical, base.valueAt[kk], base.valueLen[kk]);
            } else {
                int prefix = ByteReader.count(in, base.valueLen[kk]);
                int suffix = ByteReader.count(in, in.remaining());
                LabelsCodec.uvarint(out, prefix + suffix);
                out.write(base.canonical, base.valueAt[kk], prefix);
                copy(in, out, suffix);
            }
        }
        return Parsed.of(out.toByteArray());
    }

    private static void copyString(ByteBuffer in, ByteArrayOutputStream out) {
        int len = ByteReader.count(in, in.remaining());
        LabelsCodec.uvarint(out, len);
        copy(in, out, len);
    }

    /** Copies {@code len} bytes (at most what remains, checked by the caller's count) from {@code in}. */
    private static void copy(ByteBuffer in, ByteArrayOutputStream out, int len) {
        if (in.hasArray()) {
            out.write(in.array(), in.arrayOffset() + in.position(), len);
            in.position(in.position() + len);
        } else {
            byte[] b = new byte[len];
            in.get(b);
            out.write(b, 0, len);
        }
    }

    private static void putBytes(ByteSink out, byte[] b, int from, int len) {
        out.ensure(len);
        out.buffer().put(b, from, len);
    }

    static int uvarintBytes(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }
}
