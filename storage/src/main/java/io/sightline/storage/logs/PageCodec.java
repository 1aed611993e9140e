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
        Labels[] meta = new Labels[n];
        for (int i = 0; i < n; i++) {
            int pairs = ByteReader.count(in, in.remaining());
            if (pairs == 0) {
                meta[i] = Labels.EMPTY;
                continue;
            }
            String[] nv = new String[pairs * 2];
            for (int k = 0; k < nv.length; k++) {
                nv[k] = dict[ByteReader.count(in, dict.length - 1)];
            }
            meta[i] = Labels.of(nv);
        }
        String[] trace = new String[n];
        for (int i = 0; i < n; i++) {
            trace[i] = getId(in);
        }
        String[] span = new String[n];
        for (int i = 0; i < n; i++) {
            span[i] = getId(in);
        }
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            lengths[i] = ByteReader.count(in, in.remaining());
        }
        LogRecord[] out = new LogRecord[n];
        byte[] scratch = new byte[256];
        for (int i = 0; i < n; i++) {
            if (in.remaining() < lengths[i]) {
                throw new CorruptDataException("body runs past the page", in.position());
            }
            if (scratch.length < lengths[i]) {
                scratch = new byte[Math.max(lengths[i], scratch.length * 2)];
            }
            in.get(scratch, 0, lengths[i]);
            String body = new String(scratch, 0, lengths[i], StandardCharsets.UTF_8);
            out[i] = new LogRecord(stream, ts[i], observed[i], severity[i], sevText[i], body, trace[i], span[i], meta[i]);
        }
        return out;
    }
}
