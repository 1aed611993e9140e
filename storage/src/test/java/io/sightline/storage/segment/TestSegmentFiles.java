package io.sightline.storage.segment;

import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.FileHeader;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.TaggedAllocator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Writes small segment files for the tests of this package. */
final class TestSegmentFiles {
    private TestSegmentFiles() {
    }

    /** Writes {@code dir/segment}: a header of {@code magic} and {@code version}, then what {@code body} puts. */
    static Path write(TaggedAllocator allocator, Path dir, int magic, int version, Consumer<ByteSink> body) throws IOException {
        ByteSink out = new ByteSink(allocator, MemoryTag.CHUNK, 64);
        try {
            FileHeader.write(out, magic, version);
            body.accept(out);
            ByteBuffer b = out.buffer().flip();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            Files.createDirectories(dir);
            Files.write(dir.resolve(SegmentNames.FILE), bytes);
            return dir;
        } finally {
            out.release();
        }
    }
}
