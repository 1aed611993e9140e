package io.sightline.storage.io;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A whole file mapped read-only. Readers slice it; closing unmaps it, after which any slice faults, so
 * the owner closes it only when no reader holds it (blocks are reference-counted for that). Thread-safe
 * for reads.
 */
public final class MappedFile implements AutoCloseable {
    private final Path path;
    private final MemorySegment segment;
    private final Arena arena;
    private final Runnable onClose;
    private boolean isClosed;

    MappedFile(Path path, MemorySegment segment, Arena arena, Runnable onClose) {
        this.path = path;
        this.segment = segment;
        this.arena = arena;
        this.onClose = onClose;
    }

    public Path path() {
        return path;
    }

    public MemorySegment segment() {
        return segment;
    }

    public long size() {
        return segment.byteSize();
    }

    /** A little-endian byte buffer view of {@code [offset, offset + length)}; length must be below 2 GiB. */
    public ByteBuffer slice(long offset, int length) {
        return segment.asSlice(offset, length).asByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public synchronized void close() {
        if (!isClosed) {
            isClosed = true;
            arena.close();
            onClose.run();
        }
    }
}
