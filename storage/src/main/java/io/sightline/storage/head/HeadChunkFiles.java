package io.sightline.storage.head;

import io.sightline.storage.StorageException;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.TaggedAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The head's sealed chunks on disk (Prometheus's {@code chunks_head}; format: storage/docs/format/head-chunks.md).
 * A series keeps its open chunk on the heap and, in a head two to three hours deep, four to six sealed chunks of
 * 120 samples: ~800 B per series at a 15 s interval, most of the head's memory once it has run for a while. The
 * chunks are written here with {@code write(2)}, so their pages sit in the page cache, not in the process, and are
 * read back through a read-only mapping, so only the pages queries touch count in its RSS.
 *
 * <p>A cache, not a store: the WAL keeps every sample, the files are deleted at open and rebuilt by its replay,
 * and a chunk whose write fails (a full disk) simply stays on the heap; after a failure writes pause for
 * {@link #retryAfterNanos}. Segments of {@link #SEGMENT_BYTES} are written in sequence; one is deleted when the
 * last chunk in it is dropped (truncated into a block, or replaced by an out-of-order merge). Its mapping is
 * left to the garbage collector ({@link Arena#ofAuto()}): a query may still hold a chunk of a segment the
 * block cutter just dropped, and reading a deleted but mapped file is safe where reading an unmapped one is not.
 * The cutter reads through mappings of its own ({@link View}), unmapped when it is done, so that the two hours it
 * moves into a block do not stay resident until the next full collection.
 *
 * <p>Writes come from the head's apply stage (one thread at a time) and the cutter; every method is
 * synchronized, uncontended in practice. One {@code write} per commit batch: {@link #add} buffers,
 * {@link #flush} writes.
 */
public final class HeadChunkFiles implements Closeable {
    /** The directory under the data directory. */
    public static final String DIR = "chunks_head";
    static final long SEGMENT_BYTES = 32L << 20;
    static final int BUFFER_BYTES = 64 << 10;
    private static final Logger log = LoggerFactory.getLogger(HeadChunkFiles.class);

    private final Path dir;
    private final TaggedAllocator allocator;
    private final FileFacade files;
    private final long segmentBytes;
    private final long retryAfterNanos;
    private final ByteBuffer buffer;
    /**
     * Chunks whose bytes (after their length) are in {@link #buffer}, in order, and how many bytes each took; an
     * entry is null once released before the write.
     */
    private SealedChunk[] pending = new SealedChunk[64];
    private int[] pendingLengths = new int[64];
    private int pendingCount;
    private final List<Segment> segments = new ArrayList<>();
    private Segment current;
    private int nextNumber = 1;
    private long pausedUntilNanos;
    private boolean isPaused;
    private boolean isClosed;
    private long chunksWritten;
    private long writeFailures;

    private HeadChunkFiles(Path dir, TaggedAllocator allocator, long segmentBytes, long retryAfterNanos) {
        this.dir = dir;
        this.allocator = allocator;
        this.files = allocator.files();
        this.segmentBytes = segmentBytes;
        this.retryAfterNanos = retryAfterNanos;
        this.buffer = allocator.allocateDirect(BUFFER_BYTES, MemoryTag.CHUNK);
    }

    /** Empties (or creates) {@code dataDir}/{@value #DIR}: what a previous run left is rebuilt from the WAL. */
    public static HeadChunkFiles open(Path dataDir, TaggedAllocator allocator) {
        return open(dataDir, allocator, SEGMENT_BYTES, TimeUnit.SECONDS.toNanos(10));
    }

    static HeadChunkFiles open(Path dataDir, TaggedAllocator allocator, long segmentBytes, long retryAfterNanos) {
        Path dir = dataDir.resolve(DIR);
        try {
            allocator.files().deleteRecursively(dir);
            allocator.files().createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot prepare the head chunk directory " + dir + ": " + e.getMessage(), e);
        }
        return new HeadChunkFiles(dir, allocator, segmentBytes, retryAfterNanos);
    }

    /** Queues {@code chunk}'s bytes for the next {@link #flush}; it stays readable from the heap until then. */
    synchronized void add(SealedChunk chunk) {
        byte[] bytes = chunk.heapBytes();
        if (isClosed || bytes == null || bytes.length > SealedChunk.MAX_FILE_LENGTH
                || Short.BYTES + bytes.length > buffer.capacity() || isPausedNow()) {
            return;
        }
        int length = Short.BYTES + bytes.length;
        if (buffer.remaining() < length) {
            flush();
            if (isPausedNow()) {
                return;
            }
        }
        buffer.putShort((short) bytes.length); // the allocator's buffers are little-endian, as SealedChunk reads it
        buffer.put(bytes);
        if (pendingCount == pending.length) {
            pending = Arrays.copyOf(pending, pendingCount * 2);
            pendingLengths = Arrays.copyOf(pendingLengths, pendingCount * 2);
        }
        pendingLengths[pendingCount] = length;
        pending[pendingCount++] = chunk;
    }

    /** Writes the queued chunks and points them at their copies; on failure they stay on the heap. */
    synchronized void flush() {
        if (pendingCount == 0) {
            return;
        }
        int length = buffer.position();
        try {
            Segment s = segmentWithRoom(length);
            buffer.flip();
            s.channel.position(s.written);
            files.writeFully(s.channel, buffer);
            long at = s.written;
            for (int i = 0; i < pendingCount; i++) {
                SealedChunk c = pending[i];
                if (c != null) {
                    c.movedTo(s, (int) at);
                    s.live++;
                    chunksWritten++;
                }
                at += pendingLengths[i];
            }
            s.written += length;
            if (isPaused) {
                isPaused = false;
                log.info("head chunks are written to {} again", dir);
            }
        } catch (IOException | RuntimeException e) {
            writeFailures++;
            pausedUntilNanos = System.nanoTime() + retryAfterNanos;
            if (!isPaused) {
                isPaused = true;
                log.warn("cannot write head chunks to {} ({}); they stay in memory, and writes pause for {} s",
                        dir, e.toString(), TimeUnit.NANOSECONDS.toSeconds(retryAfterNanos));
            }
        } finally {
            buffer.clear();
            Arrays.fill(pending, 0, pendingCount, null);
            pendingCount = 0;
        }
    }

    /** The chunk left its series (dropped into a block, or replaced): its segment goes with its last chunk. */
    synchronized void release(SealedChunk chunk) {
        Segment s = chunk.segment();
        if (s == null) {
            for (int i = 0; i < pendingCount; i++) {
                if (pending[i] == chunk) { // rare: replaced in the batch that sealed it; its bytes stay unused
                    pending[i] = null;
                }
            }
            return;
        }
        if (--s.live == 0 && s != current) {
            delete(s);
        }
    }

    private Segment segmentWithRoom(int length) throws IOException {
        if (current != null && current.written + length <= current.size) {
            return current;
        }
        if (current != null && current.live == 0) {
            delete(current);
        }
        current = null;
        Path file = dir.resolve(String.format("%08d", nextNumber++));
        FileChannel channel = files.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            // Mapped past the end of what is written: the JDK extends the file, sparse, and reads never go past
            // what a flush wrote.
            long size = Math.max(segmentBytes, length);
            MemorySegment map = files.mapReadOnly(channel, size, Arena.ofAuto());
            current = new Segment(file, channel, map, size);
            segments.add(current);
            return current;
        } catch (IOException | RuntimeException e) {
            channel.close();
            files.deleteRecursively(file);
            throw e;
        }
    }

    private void delete(Segment s) {
        segments.remove(s);
        try {
            s.channel.close();
            files.deleteRecursively(s.file);
        } catch (IOException e) {
            log.warn("cannot delete the head chunk file {}: {}", s.file, e.toString());
        }
    }

    private boolean isPausedNow() {
        return isPaused && System.nanoTime() - pausedUntilNanos < 0;
    }

    /** Bytes written to the segments not yet deleted. */
    public synchronized long bytesOnDisk() {
        long sum = 0;
        for (Segment s : segments) {
            sum += s.written;
        }
        return sum;
    }

    public synchronized int segmentCount() {
        return segments.size();
    }

    public synchronized long chunksWritten() {
        return chunksWritten;
    }

    public synchronized long writeFailures() {
        return writeFailures;
    }

    /** Mappings of the cutter's own, for reading chunks it moves into a block; close unmaps them. */
    synchronized View openView() {
        return new View();
    }

    /** Deletes the files; later chunks stay on the heap. */
    @Override
    public synchronized void close() {
        if (isClosed) {
            return;
        }
        isClosed = true;
        Arrays.fill(pending, 0, pendingCount, null);
        pendingCount = 0;
        allocator.release(buffer, MemoryTag.CHUNK);
        for (Segment s : segments) {
            try {
                s.channel.close();
            } catch (IOException e) {
                log.warn("cannot close the head chunk file {}: {}", s.file, e.toString());
            }
        }
        segments.clear();
        try {
            files.deleteRecursively(dir);
        } catch (IOException e) {
            log.warn("cannot delete the head chunk directory {}: {}", dir, e.toString());
        }
    }

    /** One file of chunks, written once front to back. */
    static final class Segment {
        final Path file;
        final FileChannel channel;
        /** Read-only, unmapped by the garbage collector once no chunk refers to the segment. */
        final MemorySegment map;
        final long size;
        /** Guarded by the owning {@link HeadChunkFiles}. */
        long written;
        /** Chunks pointing here and not released; guarded by the owning {@link HeadChunkFiles}. */
        int live;

        Segment(Path file, FileChannel channel, MemorySegment map, long size) {
            this.file = file;
            this.channel = channel;
            this.map = map;
            this.size = size;
        }
    }

    /**
     * Mappings of segments in a confined arena: pages read through them leave the process's memory when the
     * view closes (the page cache keeps them). One thread.
     */
    final class View implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final Map<Segment, MemorySegment> maps = new IdentityHashMap<>();

        /**
         * The segment mapped in this view's arena, or its own mapping when its file was deleted meanwhile (a
         * snapshot reads while commits go on, and an out-of-order merge may release a segment's last chunk): that
         * mapping is valid while any chunk refers to the segment, and only stays resident longer.
         */
        MemorySegment map(Segment s) {
            MemorySegment m = maps.get(s);
            if (m == null) {
                try {
                    m = files.mapReadOnly(s.channel, s.size, arena);
                } catch (IOException e) {
                    m = s.map;
                }
                maps.put(s, m);
            }
            return m;
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
