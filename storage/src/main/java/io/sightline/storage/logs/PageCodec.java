package io.sightline.storage.logs;

import io.sightline.storage.io.ByteReader;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.CorruptDataException;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The uncompressed layout of one page: the rows of one stream, column after column (see logs.md "Page"),
 * so that similar bytes sit together for the compressor. Not thread-safe (reuses its dictionaries).
 */
final class PageCodec {
    static final int MAX_ROWS = 4096;
    private static final HexFormat HEX = HexFormat.of();

    private final Map<String, Integer> dict = new HashMap<>();
    private final List<String> dictOrder = new ArrayList<>();

    /**
     * Writes {@code rows[from, to)} into {@code sink} (cleared first); {@code bodies[i - from]} is the UTF-8 of
     * row {@code i}'s body (the writer has it already for the trigrams).
     */
    void encode(List<LogRecord> rows, int from, int to, byte[][] bodies, ByteSink sink) {
        sink.clear();
        int n = to - from;
        sink.putUvarint(n);
        long prev = 0;
        for (int i = from; i < to; i++) {
            long t = rows.get(i).timestampNanos();
            sink.putVarint(t - prev);
            prev = t;
        }
        prev = 0;
        for (int i = from; i < to; i++) {
            long t = rows.get(i).observedNanos();
            sink.putVarint(t - prev);
            prev = t;
        }
        for (int i = from; i < to; i++) {
            sink.putByte(rows.get(i).severityNumber());
        }
        // One dictionary per page for every repeated string column: severity text and metadata.
        dict.clear();
        dictOrder.clear();
        for (int i = from; i < to; i++) {
            LogRecord r = rows.get(i);
            intern(r.severityText());
            for (int k = 0; k < r.metadata().size(); k++) {
                intern(r.metadata().name(k));
                intern(r.metadata().value(k));
            }
        }
        sink.putUvarint(dictOrder.size());
        for (String s : dictOrder) {
            sink.putString(s);
        }
        for (int i = from; i < to; i++) {
            sink.putUvarint(dict.get(rows.get(i).severityText()));
        }
        for (int i = from; i < to; i++) {
            Labels m = rows.get(i).metadata();
            sink.putUvarint(m.size());
            for (int k = 0; k < m.size(); k++) {
                sink.putUvarint(dict.get(m.name(k)));
                sink.putUvarint(dict.get(m.value(k)));
            }
        }
        for (int i = from; i < to; i++) {
            putId(rows.get(i).traceId(), sink);
        }
        for (int i = from; i < to; i++) {
            putId(rows.get(i).spanId(), sink);
        }
        for (int i = 0; i < n; i++) {
            sink.putUvarint(bodies[i].length);
        }
        for (int i = 0; i < n; i++) {
            sink.putBytes(bodies[i]);
        }
    }

    private void intern(String s) {
        if (dict.putIfAbsent(s, dictOrder.size()) == null) {
            dictOrder.add(s);
        }
    }

    /** Ids go in binary when they are even-length hex (the normal case), else as text. */
    private static void putId(String id, ByteSink sink) {
        if (id.isEmpty()) {
            sink.putByte(0);
        } else if (id.length() % 2 == 0 && id.length() <= 64 && isLowerHex(id)) {
            sink.putByte(1);
            byte[] b = HEX.parseHex(id);
            sink.putUvarint(b.length);
            sink.putBytes(b);
        } else {
            sink.putByte(2);
            sink.putString(id);
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

    private static String getId(ByteBuffer in) {
        int kind = in.get();
        return switch (kind) {
            case 0 -> "";
            case 1 -> {
                byte[] b = new byte[ByteReader.count(in, 32)];
                in.get(b);
                yield HEX.formatHex(b);
            }
            case 2 -> ByteReader.string(in);
            default -> throw new CorruptDataException("bad id kind " + kind, in.position() - 1);
        };
    }

    /** Reads a whole page back into records of {@code stream}. */
    static LogRecord[] decode(ByteBuffer in, Labels stream) {
        return decode(in, stream, NO_NEEDLES);
    }

    static final byte[][] NO_NEEDLES = new byte[0][];

    /**
     * Reads the rows of a page whose bodies contain every one of {@code needles} (UTF-8) into records of
     * {@code stream}. The other rows are only skipped over: their metadata, ids and bodies are never turned into
     * objects, which is most of a line search's cost once the trigram postings have picked the pages.
     */
    static LogRecord[] decode(ByteBuffer in, Labels stream, byte[][] needles) {
        return decode(in, stream, needles, null, null);
    }

    /**
     * As {@link #decode(ByteBuffer, Labels, byte[][])}; {@code text} is the page as Latin-1 (one char per byte, from
     * the buffer's index 0) and {@code first} the first needle likewise: the rows to keep are found from the first
     * needle's occurrences in the body area, so rows without it are never searched one by one.
     */
    static LogRecord[] decode(ByteBuffer in, Labels stream, byte[][] needles, String text, String first) {
        int n = ByteReader.count(in, MAX_ROWS);
        long[] ts = new long[n];
        long prev = 0;
        for (int i = 0; i < n; i++) {
            prev += ByteReader.varint(in);
            ts[i] = prev;
        }
        long[] observed = new long[n];
        prev = 0;
        for (int i = 0; i < n; i++) {
            prev += ByteReader.varint(in);
            observed[i] = prev;
        }
        int[] severity = new int[n];
        for (int i = 0; i < n; i++) {
            severity[i] = in.get() & 0xFF;
        }
        String[] dict = new String[ByteReader.count(in, in.remaining())];
        for (int i = 0; i < dict.length; i++) {
            dict[i] = ByteReader.string(in);
        }
        String[] sevText = new String[n];
        for (int i = 0; i < n; i++) {
            sevText[i] = dict[ByteReader.count(in, dict.length - 1)];
        }
        // Metadata and ids are read where they are needed: positions first, objects only for the rows kept.
        int[] metaAt = new int[n];
        for (int i = 0; i < n; i++) {
            metaAt[i] = in.position();
            int pairs = ByteReader.count(in, in.remaining());
            for (int k = 0; k < pairs * 2; k++) {
                ByteReader.count(in, dict.length - 1);
            }
        }
        int[] traceAt = new int[n];
        for (int i = 0; i < n; i++) {
            traceAt[i] = in.position();
            skipId(in);
        }
        int[] spanAt = new int[n];
        for (int i = 0; i < n; i++) {
            spanAt[i] = in.position();
            skipId(in);
        }
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            lengths[i] = ByteReader.count(in, in.remaining());
        }
        LogRecord[] out = new LogRecord[n];
        int kept = 0;
        int bodyAt = in.position();
        boolean[] hasFirst = text == null ? null : rowsHolding(text, first, bodyAt, lengths, n);
        for (int i = 0; i < n; i++) {
            if (in.limit() - bodyAt < lengths[i]) {
                throw new CorruptDataException("body runs past the page", bodyAt);
            }
            if ((hasFirst == null || hasFirst[i]) && containsAll(in, bodyAt, lengths[i], needles)) {
                byte[] b = new byte[lengths[i]];
                in.get(bodyAt, b);
                String body = new String(b, StandardCharsets.UTF_8);
                out[kept++] = new LogRecord(stream, ts[i], observed[i], severity[i], sevText[i], body,
                        getId(in, traceAt[i]), getId(in, spanAt[i]), metadata(in, metaAt[i], dict));
            }
            bodyAt += lengths[i];
        }
        in.position(bodyAt);
        return kept == n ? out : java.util.Arrays.copyOf(out, kept);
    }

    /**
     * Reads only the timestamps and body lengths of a page into {@code ts} and {@code lengths} (at least
     * {@link #MAX_ROWS} long each) and returns the row count: every other column is stepped over without
     * making objects, for counting rows and bytes per time window.
     */
    static int timesAndLengths(ByteBuffer in, long[] ts, int[] lengths) {
        int n = ByteReader.count(in, MAX_ROWS);
        long prev = 0;
        for (int i = 0; i < n; i++) {
            prev += ByteReader.varint(in);
            ts[i] = prev;
        }
        for (int i = 0; i < n; i++) {
            ByteReader.uvarint(in); // observed timestamps
        }
        in.position(in.position() + n); // severity numbers
        int dictSize = ByteReader.count(in, in.remaining());
        for (int i = 0; i < dictSize; i++) {
            int len = ByteReader.count(in, in.remaining());
            in.position(in.position() + len);
        }
        for (int i = 0; i < n; i++) {
            ByteReader.uvarint(in); // severity text indexes
        }
        for (int i = 0; i < n; i++) {
            int pairs = ByteReader.count(in, in.remaining());
            for (int k = 0; k < pairs * 2; k++) {
                ByteReader.uvarint(in);
            }
        }
        for (int i = 0; i < 2 * n; i++) {
            skipId(in);
        }
        for (int i = 0; i < n; i++) {
            lengths[i] = ByteReader.count(in, in.remaining());
        }
        return n;
    }

    /** Which of the {@code n} bodies laid out from {@code bodyAt} hold {@code needle}, from its occurrences in {@code text}. */
    private static boolean[] rowsHolding(String text, String needle, int bodyAt, int[] lengths, int n) {
        if (needle.isEmpty()) {
            return null; // every body holds it, the empty ones too
        }
        boolean[] hit = new boolean[n];
        int row = 0;
        long rowEnd = n == 0 ? bodyAt : bodyAt + (long) lengths[0];
        int at = text.indexOf(needle, bodyAt);
        while (at >= 0 && row < n) {
            while (row < n && at >= rowEnd) {
                row++;
                rowEnd += row < n ? lengths[row] : 0;
            }
            if (row == n) {
                break;
            }
            if (at + needle.length() <= rowEnd) {
                hit[row] = true;
                at = rowEnd >= text.length() ? -1 : text.indexOf(needle, (int) rowEnd); // the next row's first
            } else {
                at = text.indexOf(needle, at + 1); // this one runs into the next body
            }
        }
        return hit;
    }

    private static Labels metadata(ByteBuffer in, int at, String[] dict) {
        int saved = in.position();
        in.position(at);
        int pairs = ByteReader.count(in, in.remaining());
        Labels meta = Labels.EMPTY;
        if (pairs > 0) {
            String[] nv = new String[pairs * 2];
            for (int k = 0; k < nv.length; k++) {
                nv[k] = dict[ByteReader.count(in, dict.length - 1)];
            }
            meta = Labels.of(nv);
        }
        in.position(saved);
        return meta;
    }

    private static String getId(ByteBuffer in, int at) {
        int saved = in.position();
        in.position(at);
        String id = getId(in);
        in.position(saved);
        return id;
    }

    private static void skipId(ByteBuffer in) {
        int kind = in.get();
        switch (kind) {
            case 0 -> { }
            case 1 -> {
                int len = ByteReader.count(in, 32);
                in.position(in.position() + len);
            }
            case 2 -> {
                int len = ByteReader.count(in, in.remaining());
                in.position(in.position() + len);
            }
            default -> throw new CorruptDataException("bad id kind " + kind, in.position() - 1);
        }
    }

    /** Where {@code needle} starts in {@code b[from, to)}, or -1. */
    static int indexOf(byte[] b, int from, int to, byte[] needle) {
        if (needle.length == 0) {
            return from;
        }
        byte first = needle[0];
        int last = to - needle.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (b[i] != first) {
                continue;
            }
            for (int k = 1; k < needle.length; k++) {
                if (b[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Whether bytes {@code [at, at + length)} of {@code in} contain every needle. */
    private static boolean containsAll(ByteBuffer in, int at, int length, byte[][] needles) {
        for (byte[] needle : needles) {
            if (!contains(in, at, length, needle)) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(ByteBuffer in, int at, int length, byte[] needle) {
        if (in.hasArray()) {
            int base = in.arrayOffset();
            return indexOf(in.array(), base + at, base + at + length, needle) >= 0;
        }
        int last = at + length - needle.length;
        byte first = needle.length == 0 ? 0 : needle[0];
        outer:
        for (int i = at; i <= last; i++) {
            if (in.get(i) != first) {
                continue;
            }
            for (int k = 1; k < needle.length; k++) {
                if (in.get(i + k) != needle[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
