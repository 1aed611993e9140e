package io.sightline.storage.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The one place that hands out off-heap and mapped memory, counting bytes per {@link MemoryTag} so the
 * store can export them and tests can assert nothing leaked (as QuestDB's {@code MemoryTag}). Thread-safe.
 */
public final class TaggedAllocator {
    private final FileFacade files;
    private final AtomicLongArray bytes = new AtomicLongArray(MemoryTag.values().length);

    public TaggedAllocator(FileFacade files) {
        this.files = files;
    }

    /** Maps a whole file read-only; an empty file maps to an empty segment. */
    public MappedFile map(Path file, MemoryTag tag) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = files.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.NULL : files.mapReadOnly(ch, size, arena);
            bytes.addAndGet(tag.ordinal(), size);
            return new MappedFile(file, seg, arena, () -> bytes.addAndGet(tag.ordinal(), -size));
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * A direct little-endian buffer of {@code capacity} bytes, counted under {@code tag}; give it back with
     * {@link #release} (the JVM frees the memory when the buffer becomes unreachable).
     */
    public ByteBuffer allocateDirect(int capacity, MemoryTag tag) {
        bytes.addAndGet(tag.ordinal(), capacity);
        return ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    public void release(ByteBuffer buffer, MemoryTag tag) {
        bytes.addAndGet(tag.ordinal(), -buffer.capacity());
    }

    /** Bytes currently held under {@code tag}. */
    public long bytes(MemoryTag tag) {
        return bytes.get(tag.ordinal());
    }

    public FileFacade files() {
        return files;
    }
}
