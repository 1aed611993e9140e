package io.sightline.storage.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The 8-byte header that opens every storage file: {@code u32 magic, u8 version, 3 reserved zero bytes}. */
public final class FileHeader {
    public static final int BYTES = 8;

    private FileHeader() {
    }

    public static void write(ByteSink sink, int magic, int version) {
        sink.putInt(magic);
        sink.putByte(version);
        sink.putByte(0);
        sink.putByte(0);
        sink.putByte(0);
    }

    /** Why the header of {@code data} is not {@code magic}/{@code version}, or {@code null} when it is. */
    public static String problem(MemorySegment data, int magic, int version) {
        return problem(data, magic, version, version);
    }

    /**
     * True when {@code data} is a whole header of {@code magic} with a version above {@code maxVersion}: a file a
     * newer build wrote, which is not damage (a downgrade must not move data aside).
     */
    public static boolean isNewer(MemorySegment data, int magic, int maxVersion) {
        return data.byteSize() >= BYTES
                && data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0) == magic
                && (data.get(ValueLayout.JAVA_BYTE, 4) & 0xFF) > maxVersion;
    }

    /** As {@link #problem(MemorySegment, int, int)}, accepting any version in {@code [minVersion, maxVersion]}. */
    public static String problem(MemorySegment data, int magic, int minVersion, int maxVersion) {
        if (data.byteSize() < BYTES) {
            return "file shorter than its " + BYTES + "-byte header (" + data.byteSize() + " bytes)";
        }
        int m = data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (m != magic) {
            return String.format("bad magic 0x%08x, expected 0x%08x", m, magic);
        }
        int v = data.get(ValueLayout.JAVA_BYTE, 4) & 0xFF;
        if (v < minVersion || v > maxVersion) {
            return "unsupported format version " + v + ", this build reads version "
                    + (minVersion == maxVersion ? Integer.toString(maxVersion) : minVersion + " to " + maxVersion);
        }
        return null;
    }
}
