package io.sightline.storage.traces;

import io.sightline.storage.io.CorruptDataException;
import io.sightline.storage.io.MappedFile;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A segment's sorted string dictionary, read in place from the mapping; decoded strings are cached by id
 * (benign races: strings are immutable). Thread-safe.
 */
final class Dictionary {
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment data;
    private final int count;
    private final long bytesAt;
    private final String[] cache;

    Dictionary(MappedFile file, long offset, long length) {
        this.data = file.segment().asSlice(offset, length);
        this.count = data.get(INT_LE, 0);
        if (count < 0 || 4L + 4L * (count + 1) > length) {
            throw new CorruptDataException("dictionary count " + count + " does not fit its section", offset);
        }
        this.bytesAt = 4L + 4L * (count + 1);
        long end = data.get(INT_LE, 4L + 4L * count);
        if (end < 0 || bytesAt + end > length) {
            throw new CorruptDataException("dictionary strings run past their section", offset);
        }
        this.cache = new String[count];
    }

    int size() {
        return count;
    }

    String get(int id) {
        if (id < 0 || id >= count) {
            throw new CorruptDataException("dictionary id " + id + " outside 0.." + (count - 1), 0);
        }
        String s = cache[id];
        if (s == null) {
            int from = data.get(INT_LE, 4L + 4L * id);
            int to = data.get(INT_LE, 4L + 4L * (id + 1));
            byte[] b = data.asSlice(bytesAt + from, to - from).toArray(ValueLayout.JAVA_BYTE);
            s = new String(b, StandardCharsets.UTF_8);
            cache[id] = s;
        }
        return s;
    }

    /** The id of {@code s}, or -1 when this segment never saw it. */
    int find(String s) {
        byte[] key = s.getBytes(StandardCharsets.UTF_8);
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compare(mid, key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    private int compare(int id, byte[] key) {
        long from = bytesAt + data.get(INT_LE, 4L + 4L * id);
        int len = data.get(INT_LE, 4L + 4L * (id + 1)) - data.get(INT_LE, 4L + 4L * id);
        int n = Math.min(len, key.length);
        long mismatch = MemorySegment.mismatch(data, from, from + n, MemorySegment.ofArray(key), 0, n);
        if (mismatch >= 0) {
            return Integer.compare(data.get(ValueLayout.JAVA_BYTE, from + mismatch) & 0xFF, key[(int) mismatch] & 0xFF);
        }
        return Integer.compare(len, key.length);
    }
}
