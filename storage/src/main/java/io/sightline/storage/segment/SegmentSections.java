package io.sightline.storage.segment;

import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.FileSink;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** Section layouts the log and span segment formats share (logs.md, traces.md). */
public final class SegmentSections {
    /** Writes the key of postings entry {@code i}: a u32 in log segments, a u64 in span segments. */
    @FunctionalInterface
    public interface KeyWriter {
        void put(int i, ByteSink out);
    }

    private SegmentSections() {
    }

    /** Copies the bytes {@code bytes} holds (flipped here) as a new checksummed section; returns its offset. */
    public static long copy(FileSink out, ByteSink bytes) throws IOException {
        out.startSection();
        long at = out.position();
        ByteBuffer b = bytes.buffer().flip();
        out.out().ensure(b.remaining());
        out.out().buffer().put(b);
        out.maybeFlush();
        return at;
    }

    /**
     * Writes a postings section: {@code u32 count, count x (key, u32 offset, u32 length)}, then the serialised
     * bitmaps, in the order of {@code bitmaps} (sorted by key, run-optimised by the caller).
     */
    public static void writePostings(FileSink out, List<RoaringBitmap> bitmaps, KeyWriter keys) throws IOException {
        out.startSection();
        ByteSink o = out.out();
        o.putInt(bitmaps.size());
        int offset = 0;
        for (int i = 0; i < bitmaps.size(); i++) {
            int len = bitmaps.get(i).serializedSizeInBytes();
            keys.put(i, o);
            o.putInt(offset);
            o.putInt(len);
            offset += len;
            out.maybeFlush();
        }
        out.writeBitmaps(bitmaps);
    }

    /** Ends a footer: the format's magic, then a reserved zero u32 (what {@link SegmentFile#open} checks). */
    public static void endFooter(ByteSink out, int magic) {
        out.putInt(magic);
        out.putInt(0);
    }
}
