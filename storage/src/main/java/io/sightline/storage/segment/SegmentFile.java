package io.sightline.storage.segment;

import com.github.luben.zstd.Zstd;
import io.sightline.storage.DamagedDataException;
import io.sightline.storage.StorageException;
import io.sightline.storage.io.CorruptDataException;
import io.sightline.storage.io.FileHeader;
import io.sightline.storage.io.MappedFile;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.RefCount;
import io.sightline.storage.io.TaggedAllocator;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The data file of one segment directory, mapped whole: checked at open for what every segment format shares (the
 * file header, a footer that ends in {@code magic u32, reserved u32}, CRC32C-checked sections) and
 * reference-counted, so retention unmaps it only when no querier holds it. The format's own sections are read by the
 * {@link Parser} given to {@link #open}. Thread-safe.
 */
public final class SegmentFile {
    /**
     * What {@link #open} checks of a format.
     *
     * @param kind "log" or "span": names the segment in errors
     * @param footerBytes size of the footer at the file's end, whose last 8 bytes are {@code magic u32, reserved u32}
     */
    public record Format(String kind, int magic, int oldestReadableVersion, int version, int footerBytes) {
    }

    /** Reads a format's sections into its segment type; bad bytes throw {@link CorruptDataException}. */
    @FunctionalInterface
    public interface Parser<T> {
        /** {@code footer} is a little-endian view of the whole footer, positioned at its start. */
        T parse(SegmentFile file, ByteBuffer footer);
    }

    private final Path dir;
    /** The format's kind, "log" or "span": names the segment in errors. */
    private final String kind;
    private final int number;
    private final MappedFile mapped;
    private final RefCount refs = new RefCount();

    private SegmentFile(Path dir, String kind, MappedFile mapped) {
        this.dir = dir;
        this.kind = kind;
        this.number = SegmentNames.walNumber(dir.getFileName().toString());
        this.mapped = mapped;
    }

    /**
     * Maps {@link SegmentNames#FILE} of segment {@code dir}, checks its header and footer magic and hands it to
     * {@code parser}. A file that cannot be mapped, or that is damaged (a {@link CorruptDataException} or an
     * out-of-bounds read from the parser, or a missing file), fails with a {@link DamagedDataException} naming the file; the mapping is
     * closed then.
     */
    public static <T> T open(Path dir, TaggedAllocator allocator, Format format, Parser<T> parser) {
        Path path = dir.resolve(SegmentNames.FILE);
        MappedFile mapped;
        try {
            mapped = allocator.map(path, MemoryTag.CHUNK);
        } catch (NoSuchFileException e) {
            throw new DamagedDataException(format.kind() + " segment " + dir + " is damaged: " + path + " is missing", e);
        } catch (IOException e) {
            throw new StorageException("cannot map " + format.kind() + " segment " + path + ": " + e.getMessage(), e);
        }
        try {
            String problem = FileHeader.problem(mapped.segment(), format.magic(), format.oldestReadableVersion(),
                    format.version());
            if (problem != null && FileHeader.isNewer(mapped.segment(), format.magic(), format.version())) {
                mapped.close();
                throw new StorageException(format.kind() + " segment " + path + " was written by a newer Sightline: " + problem);
            }
            if (problem != null) {
                throw new CorruptDataException(problem, 0);
            }
            long size = mapped.size();
            if (size < FileHeader.BYTES + format.footerBytes()) {
                throw new CorruptDataException("shorter than header and footer", 0);
            }
            ByteBuffer footer = mapped.slice(size - format.footerBytes(), format.footerBytes());
            if (footer.getInt(format.footerBytes() - 8) != format.magic()) {
                throw badFooter(size, format);
            }
            return parser.parse(new SegmentFile(dir, format.kind(), mapped), footer);
        } catch (CorruptDataException | IndexOutOfBoundsException | BufferUnderflowException e) {
            mapped.close();
            throw new DamagedDataException(format.kind() + " segment " + path + " is damaged: " + e.getMessage(), e);
        }
    }

    /** The parser's error for footer offsets that cannot be (the same as for a bad footer magic). */
    public static CorruptDataException badFooter(long fileSize, Format format) {
        return new CorruptDataException("bad footer", fileSize - format.footerBytes());
    }

    /** Checks the CRC32C of {@code section} (not moved) against {@code expected}; {@code at} is its file offset. */
    public static void checkCrc(ByteBuffer section, int expected, String what, long at) {
        CRC32C crc = new CRC32C();
        crc.update(section.duplicate());
        if ((int) crc.getValue() != expected) {
            throw new CorruptDataException(what + " checksum mismatch", at);
        }
    }

    /**
     * Decompresses page {@code page}, the {@code packedLength} zstd bytes at {@code offset}, into {@code plain}, a
     * direct buffer whose remaining bytes are the page's raw size, and flips it. A page that decompresses to another
     * size fails naming the segment.
     */
    public void decompressPage(int page, long offset, int packedLength, ByteBuffer plain) {
        int rawLength = plain.remaining();
        long n = Zstd.decompress(plain, mapped.slice(offset, packedLength));
        if (n != rawLength) {
            throw new StorageException(kind + " segment " + dir + " page " + page + " decompressed to " + n
                    + " bytes, expected " + rawLength);
        }
        plain.flip();
    }

    /** The error for page {@code page} of this segment, whose bytes do not decode ({@code cause}). */
    public StorageException damagedPage(int page, Exception cause) {
        return new StorageException(kind + " segment " + dir + " page " + page + " is damaged: " + cause.getMessage(), cause);
    }

    /** The segment directory, {@code seg-N}. */
    public Path dir() {
        return dir;
    }

    /** {@code N} of {@code seg-N}. */
    public int number() {
        return number;
    }

    /** The format version in the file's header. */
    public int version() {
        return mapped.segment().get(ValueLayout.JAVA_BYTE, 4);
    }

    /** The mapping; valid while the caller holds a reference. */
    public MappedFile mapped() {
        return mapped;
    }

    /** Takes a reference; false once the last one was released. */
    public boolean acquire() {
        return refs.tryAcquire();
    }

    /** Drops a reference; the last one unmaps the file. */
    public void release() {
        if (refs.release()) {
            mapped.close();
        }
    }
}
