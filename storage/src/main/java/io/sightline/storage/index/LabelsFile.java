package io.sightline.storage.index;

import io.sightline.storage.StorageException;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.FileHeader;
import io.sightline.storage.io.MappedFile;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.RecordFrames;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The append-only file from series id to labels ({@code index/labels}): a file header, then one framed
 * record per series in id order, payload {@code u32 id, canonical label bytes}. Keeps only the offset of
 * each record in memory and reads labels on demand. A torn tail is cut at open. Thread-safe.
 */
final class LabelsFile implements AutoCloseable {
    static final int MAGIC = 0x4C424C53; // "SLBL" little-endian
    /**
     * The version of the whole registry (this file and the map beside it, which carries no header of
     * ours). 2: the map is keyed by {@link SeriesKeyHash} instead of the canonical label bytes.
     */
    static final int VERSION = 2;

    private static final Logger log = LoggerFactory.getLogger(LabelsFile.class);

    private final Path path;
    private final TaggedAllocator allocator;
    private final FileChannel channel;
    private final ByteSink sink;
    private final CRC32C crc = new CRC32C();
    private final Object lock = new Object();
    /** offsets[id] is where the record of series id starts; index 0 unused. */
    private long[] offsets = new long[1024];
    private int count;
    private long size;

    private LabelsFile(Path path, TaggedAllocator allocator, FileChannel channel) {
        this.path = path;
        this.allocator = allocator;
        this.channel = channel;
        this.sink = new ByteSink(allocator, MemoryTag.INDEX, 512);
    }

    /** Opens or creates the file, cutting a torn tail. */
    static LabelsFile open(Path path, TaggedAllocator allocator) {
        try {
            boolean isNew = !allocator.files().exists(path) || allocator.files().size(path) == 0;
            FileChannel ch = allocator.files().open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            LabelsFile f = new LabelsFile(path, allocator, ch);
            try {
                if (isNew) {
                    f.writeHeader();
                } else {
                    f.load();
                }
                return f;
            } catch (RuntimeException | IOException e) {
                f.close();
                throw e;
            }
        } catch (IOException e) {
            throw new StorageException("cannot open series labels file " + path + ": " + e.getMessage(), e);
        }
    }

    private void writeHeader() throws IOException {
        sink.clear();
        FileHeader.write(sink, MAGIC, VERSION);
        flushSink(0);
        size = FileHeader.BYTES;
    }

    /**
     * Throws when an existing file at {@code path} has a wrong magic or version, before anything beside
     * it (the map) is opened with assumptions of this version.
     */
    static void checkHeader(Path path, TaggedAllocator allocator) {
        try {
            if (!allocator.files().exists(path) || allocator.files().size(path) == 0) {
                return;
            }
            try (MappedFile mapped = allocator.map(path, MemoryTag.INDEX)) {
                checkHeader(path, mapped);
            }
        } catch (IOException e) {
            throw new StorageException("cannot read series labels file " + path + ": " + e.getMessage(), e);
        }
    }

    private static void checkHeader(Path path, MappedFile mapped) {
        String problem = FileHeader.problem(mapped.segment(), MAGIC, VERSION);
        if (problem != null) {
            throw new StorageException("series registry " + path.getParent() + " is unreadable: labels file " + path
                    + ": " + problem + "; it was written by another build of Sightline (data directories are not"
                    + " migrated before the first release): delete the data directory or use the build that wrote it");
        }
    }

    private void load() throws IOException {
        RecordFrames.ScanResult result;
        try (MappedFile mapped = allocator.map(path, MemoryTag.INDEX)) {
            checkHeader(path, mapped);
            result = RecordFrames.scan(mapped.segment(), FileHeader.BYTES, (payload, offset) -> {
                int id = payload.getInt();
                if (id != count + 1) {
                    throw new io.sightline.storage.io.CorruptDataException("series id " + id + " out of sequence, expected " + (count + 1), offset);
                }
                addOffset(id, offset);
            });
        }
        if (!result.isClean()) {
            log.warn("series labels file has a torn or corrupt tail, truncating [file={}, offset={}, reason={}]",
                    path, result.goodEnd(), result.problem());
            allocator.files().truncate(channel, result.goodEnd());
            allocator.files().force(channel);
        }
        size = result.goodEnd();
    }

    private void addOffset(int id, long offset) {
        if (id >= offsets.length) {
            offsets = Arrays.copyOf(offsets, Math.max(id + 1, offsets.length * 2));
        }
        offsets[id] = offset;
        count = id;
    }

    /** Appends the record of the next id and returns that id. */
    int append(byte[] canonicalLabels) {
        synchronized (lock) {
            int id = count + 1;
            sink.clear();
            int start = RecordFrames.begin(sink);
            sink.putInt(id);
            sink.putBytes(canonicalLabels);
            RecordFrames.end(sink, start, crc);
            try {
                flushSink(size);
            } catch (IOException e) {
                throw new StorageException("cannot append to series labels file " + path + " at offset " + size + ": " + e.getMessage(), e);
            }
            addOffset(id, size);
            size += sink.position();
            return id;
        }
    }

    private void flushSink(long position) throws IOException {
        ByteBuffer b = sink.buffer();
        b.flip();
        channel.position(position);
        allocator.files().writeFully(channel, b);
    }

    /** The labels of {@code id}, or {@code null} when unknown. */
    Labels labels(int id) {
        ByteBuffer payload = payload(id);
        return payload == null ? null : LabelsCodec.read(payload);
    }

    /** Whether series {@code id} exists and has exactly these canonical label bytes. */
    boolean hasLabels(int id, byte[] canonicalLabels) {
        ByteBuffer payload = payload(id);
        return payload != null && payload.equals(ByteBuffer.wrap(canonicalLabels));
    }

    /** The canonical label bytes of {@code id}, or {@code null} when unknown. */
    byte[] canonicalLabels(int id) {
        ByteBuffer payload = payload(id);
        if (payload == null) {
            return null;
        }
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        return bytes;
    }

    /** The record payload of {@code id} positioned after the id, i.e. at its canonical labels. */
    private ByteBuffer payload(int id) {
        long offset;
        synchronized (lock) {
            if (id <= 0 || id > count) {
                return null;
            }
            offset = offsets[id];
        }
        try {
            ByteBuffer header = ByteBuffer.allocate(RecordFrames.FRAME_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            allocator.files().read(channel, header, offset);
            int length = header.getInt(0);
            ByteBuffer payload = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            while (payload.hasRemaining() && allocator.files().read(channel, payload, offset + RecordFrames.FRAME_HEADER_BYTES + payload.position()) > 0) {
                // keep reading
            }
            payload.flip();
            payload.getInt();
            return payload;
        } catch (IOException e) {
            throw new StorageException("cannot read series labels file " + path + " at offset " + offset + ": " + e.getMessage(), e);
        }
    }

    int count() {
        synchronized (lock) {
            return count;
        }
    }

    void force() {
        try {
            allocator.files().force(channel);
        } catch (IOException e) {
            throw new StorageException("cannot fsync series labels file " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            try {
                if (channel.isOpen()) {
                    channel.close();
                }
            } catch (IOException e) {
                log.warn("closing series labels file failed [file={}]", path, e);
            }
            sink.release();
        }
    }
}
