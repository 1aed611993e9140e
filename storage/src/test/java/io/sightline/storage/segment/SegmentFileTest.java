package io.sightline.storage.segment;

import com.github.luben.zstd.Zstd;
import io.sightline.storage.StorageException;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.FileHeader;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.TaggedAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checks every segment format shares at open, and the mapping's lifetime. */
class SegmentFileTest {
    private static final int MAGIC = 0x54534554; // "TEST"
    /** {@code u64 payload length, magic u32, reserved u32}. */
    private static final SegmentFile.Format FORMAT = new SegmentFile.Format("test", MAGIC, 1, 2, 16);

    @TempDir
    Path root;
    private final TaggedAllocator allocator = new TaggedAllocator(DefaultFileFacade.INSTANCE);

    /** Writes {@code seg-N/segment}: header, {@code payload}, footer; returns the segment directory. */
    private Path write(int number, int version, byte[] payload, int footerMagic) throws IOException {
        return TestSegmentFiles.write(allocator, root.resolve(SegmentNames.dirName(number)), MAGIC, version, out -> {
            out.putBytes(payload);
            out.putLong(payload.length);
            out.putInt(footerMagic);
            out.putInt(0);
        });
    }

    private static byte[] readPayload(SegmentFile file, ByteBuffer footer) {
        int length = (int) footer.getLong();
        if (length > file.mapped().size() - FileHeader.BYTES - FORMAT.footerBytes()) {
            throw SegmentFile.badFooter(file.mapped().size(), FORMAT);
        }
        byte[] payload = new byte[length];
        file.mapped().slice(FileHeader.BYTES, length).get(payload);
        return payload;
    }

    @Test
    void opensAFileWhoseHeaderAndFooterMatchAndHandsTheFooterToTheParser() throws IOException {
        Path dir = write(7, 2, new byte[] {1, 2, 3}, MAGIC);
        SegmentFile[] opened = new SegmentFile[1];

        byte[] payload = SegmentFile.open(dir, allocator, FORMAT, (file, footer) -> {
            opened[0] = file;
            return readPayload(file, footer);
        });

        assertThat(payload).containsExactly(1, 2, 3);
        assertThat(opened[0].dir()).isEqualTo(dir);
        assertThat(opened[0].number()).isEqualTo(7);
        assertThat(opened[0].version()).isEqualTo(2);
        opened[0].release();
    }

    @Test
    void unmapsOnlyWhenTheLastReferenceIsReleased() throws IOException {
        Path dir = write(1, 1, new byte[100], MAGIC);
        SegmentFile file = SegmentFile.open(dir, allocator, FORMAT, (f, footer) -> f);
        long mapped = allocator.bytes(MemoryTag.CHUNK);
        assertThat(mapped).isPositive();

        assertThat(file.acquire()).isTrue(); // a querier
        file.release(); // the store's reference (retention)
        assertThat(allocator.bytes(MemoryTag.CHUNK)).isEqualTo(mapped);
        file.release(); // the querier lets go

        assertThat(allocator.bytes(MemoryTag.CHUNK)).isZero();
        assertThat(file.acquire()).isFalse();
    }

    @Test
    void rejectsABadFooterMagicNamingTheFileAndOffset() throws IOException {
        Path dir = write(1, 1, new byte[10], 0x12345678);
        long size = FileHeader.BYTES + 10 + FORMAT.footerBytes();

        assertThatThrownBy(() -> SegmentFile.open(dir, allocator, FORMAT, SegmentFileTest::readPayload))
                .isInstanceOf(StorageException.class)
                .hasMessage("test segment " + dir.resolve(SegmentNames.FILE) + " is damaged: bad footer at offset "
                        + (size - FORMAT.footerBytes()));
        assertThat(allocator.bytes(MemoryTag.CHUNK)).isZero();
    }

    @Test
    void rejectsAVersionOutsideTheReadableRange() throws IOException {
        Path dir = write(1, 3, new byte[10], MAGIC);

        assertThatThrownBy(() -> SegmentFile.open(dir, allocator, FORMAT, SegmentFileTest::readPayload))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("unsupported format version 3, this build reads version 1 to 2");
        assertThat(allocator.bytes(MemoryTag.CHUNK)).isZero();
    }

    @Test
    void rejectsAFileShorterThanHeaderAndFooter() throws IOException {
        Path dir = TestSegmentFiles.write(allocator, root.resolve(SegmentNames.dirName(1)), MAGIC, 1, out -> out.putInt(0));

        assertThatThrownBy(() -> SegmentFile.open(dir, allocator, FORMAT, SegmentFileTest::readPayload))
                .hasMessageContaining("is damaged: shorter than header and footer");
        assertThat(allocator.bytes(MemoryTag.CHUNK)).isZero();
    }

    @Test
    void closesTheMappingWhenTheParserFindsDamage() throws IOException {
        Path dir = write(1, 1, new byte[10], MAGIC);

        assertThatThrownBy(() -> SegmentFile.open(dir, allocator, FORMAT, (file, footer) -> {
            SegmentFile.checkCrc(file.mapped().slice(FileHeader.BYTES, 10), 42, "payload", FileHeader.BYTES);
            return file;
        })).isInstanceOf(StorageException.class).hasMessageEndingWith("is damaged: payload checksum mismatch at offset 8");
        assertThat(allocator.bytes(MemoryTag.CHUNK)).isZero();
    }

    @Test
    void decompressesAPageAndFailsNamingTheSegmentAndPageWhenItsSizeIsNotThePageIndexs() throws IOException {
        byte[] raw = new byte[300];
        Arrays.fill(raw, 100, 200, (byte) 7);
        byte[] packed = Zstd.compress(raw, 3);
        Path dir = write(1, 1, packed, MAGIC);
        SegmentFile file = SegmentFile.open(dir, allocator, FORMAT, (f, footer) -> f);
        try {
            ByteBuffer plain = ByteBuffer.allocateDirect(raw.length);
            file.decompressPage(4, FileHeader.BYTES, packed.length, plain);
            byte[] back = new byte[plain.remaining()];
            plain.get(back);
            assertThat(back).isEqualTo(raw);

            assertThatThrownBy(() -> file.decompressPage(4, FileHeader.BYTES, packed.length,
                    ByteBuffer.allocateDirect(raw.length + 1)))
                    .isInstanceOf(StorageException.class)
                    .hasMessage("test segment " + dir + " page 4 decompressed to 300 bytes, expected 301");
            assertThat(file.damagedPage(4, new IllegalArgumentException("bad column")))
                    .hasMessage("test segment " + dir + " page 4 is damaged: bad column");
        } finally {
            file.release();
        }
    }

    @Test
    void aMissingFileIsDamageNamingTheFile() {
        Path dir = root.resolve(SegmentNames.dirName(1));

        assertThatThrownBy(() -> SegmentFile.open(dir, allocator, FORMAT, (file, footer) -> file))
                .isInstanceOf(io.sightline.storage.DamagedDataException.class)
                .hasMessageContaining(dir.resolve(SegmentNames.FILE) + " is missing");
    }
}
