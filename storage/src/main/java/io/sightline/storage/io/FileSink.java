package io.sightline.storage.io;

import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes a new file sequentially through a reused buffer, keeping the absolute position and a running
 * CRC32C that callers restart per section. Not thread-safe. {@link #finish()} fsyncs and closes.
 */
public final class FileSink implements AutoCloseable {
    private static final int FLUSH_BYTES = 1 << 20;

    private final Path path;
    private final FileFacade files;
    private final FileChannel channel;
    private final ByteSink sink;
    private final CRC32C crc = new CRC32C();
    private long flushed;

    public FileSink(Path path, TaggedAllocator allocator, MemoryTag tag) throws IOException {
        this.path = path;
        this.files = allocator.files();
        this.channel = files.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        this.sink = new ByteSink(allocator, tag, FLUSH_BYTES + (1 << 16));
    }

    /** The buffer to append to; call {@link #maybeFlush()} after each item. */
    public ByteSink out() {
        return sink;
    }

    /** Absolute offset of the next byte written. */
    public long position() {
        return flushed + sink.position();
    }

    public void maybeFlush() throws IOException {
        if (sink.position() >= FLUSH_BYTES) {
            flush();
        }
    }

    /** Appends {@code length} bytes from {@code src} at {@code offset}. */
    public void write(MemorySegment src, long offset, int length) throws IOException {
        sink.ensure(length);
        ByteBuffer b = sink.buffer();
        // ofBuffer starts the segment at the buffer's position.
        MemorySegment.copy(src, offset, MemorySegment.ofBuffer(b), 0, length);
        b.position(b.position() + length);
        maybeFlush();
    }

    private void flush() throws IOException {
        ByteBuffer b = sink.buffer();
        b.flip();
        crc.update(b.duplicate());
        int n = b.remaining();
        files.writeFully(channel, b);
        flushed += n;
        sink.clear();
    }

    /** Starts a new checksum section at the current position. */
    /** Appends each bitmap in its portable serialized form (little-endian), one after another. */
    public void writeBitmaps(List<RoaringBitmap> bitmaps) throws IOException {
        ByteSink o = out();
        for (RoaringBitmap b : bitmaps) {
            ByteBuffer bb = ByteBuffer.allocate(b.serializedSizeInBytes()).order(ByteOrder.LITTLE_ENDIAN);
            b.serialize(bb);
            bb.flip();
            o.ensure(bb.remaining());
            o.buffer().put(bb);
            maybeFlush();
        }
    }

    public void startSection() throws IOException {
        flush();
        crc.reset();
    }

    /** The CRC32C of everything written since {@link #startSection()}. */
    public int sectionCrc() throws IOException {
        flush();
        return (int) crc.getValue();
    }

    /** Flushes, fsyncs and closes. */
    public void finish() throws IOException {
        flush();
        files.force(channel);
        close();
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            channel.close();
        }
        sink.release();
    }
}
