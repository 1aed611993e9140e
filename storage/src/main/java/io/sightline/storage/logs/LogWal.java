package io.sightline.storage.logs;

import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.ByteReader;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.CorruptDataException;
import io.sightline.storage.io.FramedWal;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.RecordFrames;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.LogRecord;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The log WAL: a {@link FramedWal} whose frames are one commit each ({@code uvarint count, records}). A new file
 * starts at every segment cut, so that once the segment is durable the files before it can go. Thread-safety:
 * calls are made under the engine's commit lock, except {@link #encode} (any thread) and {@link #sync()} (the sync
 * job).
 */
final class LogWal implements AutoCloseable {
    static final int MAGIC = 0x4C574C53; // "SLWL" little-endian
    static final int VERSION = 1;
    private static final String WHAT = "log WAL";

    /** Encode buffers kept for concurrent commits. */
    private static final int POOLED_SINKS = 8;

    private final FramedWal wal;
    private final TaggedAllocator allocator;
    private final ConcurrentLinkedQueue<ByteSink> pool = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooled = new AtomicInteger();
    private volatile boolean isClosed;

    LogWal(Path dir, TaggedAllocator allocator, WalSyncMode syncMode) {
        this.wal = new FramedWal(dir, allocator, syncMode, MAGIC, VERSION, WHAT);
        this.allocator = allocator;
    }

    static String name(int number) {
        return FramedWal.name(number);
    }

    static int number(Path file) {
        return FramedWal.number(file);
    }

    /**
     * Replays every file numbered {@code >= from} into {@code sink}, cutting damaged tails; returns the next
     * free file number.
     */
    static int replay(Path dir, TaggedAllocator allocator, int from, Consumer<LogRecord> sink) {
        return FramedWal.replay(dir, allocator, MAGIC, VERSION, WHAT, from, (payload, offset) -> {
            int count = commitSize(payload);
            for (int i = 0; i < count; i++) {
                sink.accept(RecordCodec.read(payload));
            }
        });
    }

    private static int commitSize(ByteBuffer payload) {
        int at = payload.position();
        int count = ByteReader.count(payload, RecordFrames.MAX_PAYLOAD_BYTES);
        if (count == 0) {
            throw new CorruptDataException("empty commit", at);
        }
        return count;
    }

    /** Starts writing file {@code n} (closing the current one, synced; see {@link FramedWal#openFile}). */
    void openFile(int n) {
        wal.openFile(n, null);
    }

    /** As {@link #openFile} when the store opens (see {@link FramedWal#start}). */
    void start(int n) {
        wal.start(n, null);
    }

    int number() {
        return wal.number();
    }

    /**
     * Encodes one commit's payload ({@code uvarint count, records}) into a pooled buffer. Runs on the committing
     * thread outside the engine's lock, so that concurrent requests encode in parallel (the record encoding is most
     * of a WAL write); pass the result to {@link #write} under the lock, or to {@link #discard}.
     */
    ByteSink encode(List<LogRecord> records) {
        ByteSink out = pool.poll();
        if (out == null) {
            out = new ByteSink(allocator, MemoryTag.WAL, 1 << 16);
        } else {
            pooled.decrementAndGet();
        }
        out.clear();
        out.putUvarint(records.size());
        java.util.Map<io.sightline.storage.model.Labels, byte[]> labels = new java.util.IdentityHashMap<>();
        for (LogRecord r : records) {
            RecordCodec.write(r, out, labels);
        }
        return out;
    }

    /** Writes one encoded commit as a frame; returns after the bytes are in the file (fsynced in {@link WalSyncMode#ALWAYS}). */
    void write(ByteSink encoded) {
        try {
            ByteBuffer payload = encoded.buffer().flip();
            wal.log(sink -> {
                sink.ensure(payload.remaining());
                sink.buffer().put(payload);
            });
        } finally {
            giveBack(encoded);
        }
    }

    /** Gives back an encoded commit that will not be written. */
    void discard(ByteSink encoded) {
        giveBack(encoded);
    }

    private void giveBack(ByteSink encoded) {
        encoded.clear();
        if (!isClosed) {
            if (pooled.incrementAndGet() <= POOLED_SINKS) {
                pool.add(encoded);
                return;
            }
            pooled.decrementAndGet();
        }
        encoded.release();
    }

    void sync() {
        wal.sync();
    }

    /** Deletes the files numbered below {@code n}, whose records are now in a durable segment. */
    void deleteBefore(int n) {
        wal.deleteBefore(n);
    }

    @Override
    public void close() {
        isClosed = true;
        wal.close();
        ByteSink b;
        while ((b = pool.poll()) != null) {
            b.release();
        }
    }
}
