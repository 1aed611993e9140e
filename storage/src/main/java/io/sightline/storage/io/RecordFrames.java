package io.sightline.storage.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The framing shared by append-only files (WAL segments, the labels file): each record is
 * {@code u32 payloadLength, u32 crc32c(payload), payload}, little-endian. A reader stops at the first
 * frame that is short, too long or fails its checksum; everything before it is intact.
 */
public final class RecordFrames {
    public static final int FRAME_HEADER_BYTES = 8;
    /** No record is this large; a length above it means damage. */
    public static final int MAX_PAYLOAD_BYTES = 1 << 30;

    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RecordFrames() {
    }

    /** Reserves a frame header in {@code sink}; returns where the frame starts, for {@link #end}. */
    public static int begin(ByteSink sink) {
        int start = sink.position();
        sink.putLong(0);
        return start;
    }

    /** Fills in length and checksum of the frame begun at {@code start}, whose payload ends at the sink's position. */
    public static void end(ByteSink sink, int start, CRC32C crc) {
        ByteBuffer buf = sink.buffer();
        int end = buf.position();
        int payload = end - start - FRAME_HEADER_BYTES;
        crc.reset();
        int limit = buf.limit();
        buf.position(start + FRAME_HEADER_BYTES).limit(end);
        crc.update(buf);
        buf.limit(limit).position(end);
        buf.putInt(start, payload);
        buf.putInt(start + 4, (int) crc.getValue());
    }

    /** Receives each intact record. */
    public interface Visitor {
        /**
         * @param payload little-endian view of the payload, positioned at its first byte
         * @param offset  where the frame starts in the file
         * @throws CorruptDataException when the payload does not decode; scanning stops there
         */
        void record(ByteBuffer payload, long offset);
    }

    /**
     * Where a scan stopped.
     *
     * @param goodEnd offset just past the last intact record
     * @param problem why it stopped before the end of the data, or {@code null} when it reached the end
     */
    public record ScanResult(long goodEnd, String problem) {
        public boolean isClean() {
            return problem == null;
        }
    }

    /** Visits the records of {@code data} from {@code from} on until the end or the first damaged frame. */
    public static ScanResult scan(MemorySegment data, long from, Visitor visitor) {
        CRC32C crc = new CRC32C();
        long size = data.byteSize();
        long at = from;
        while (at < size) {
            if (size - at < FRAME_HEADER_BYTES) {
                return new ScanResult(at, "torn frame header (" + (size - at) + " bytes left)");
            }
            int length = data.get(INT_LE, at);
            int expected = data.get(INT_LE, at + 4);
            if (length <= 0 || length > MAX_PAYLOAD_BYTES) {
                return new ScanResult(at, "bad record length " + length);
            }
            if (size - at - FRAME_HEADER_BYTES < length) {
                return new ScanResult(at, "torn record: length " + length + " but " + (size - at - FRAME_HEADER_BYTES) + " bytes left");
            }
            ByteBuffer payload = data.asSlice(at + FRAME_HEADER_BYTES, length).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            crc.reset();
            crc.update(payload);
            if ((int) crc.getValue() != expected) {
                return new ScanResult(at, "checksum mismatch");
            }
            payload.rewind();
            try {
                visitor.record(payload, at);
            } catch (CorruptDataException e) {
                return new ScanResult(at, "undecodable record: " + e.getMessage());
            }
            at += FRAME_HEADER_BYTES + length;
        }
        return new ScanResult(at, null);
    }
}
