package io.sightline.storage.logs;

import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.ByteReader;
import io.sightline.storage.io.CorruptDataException;
import io.sightline.storage.io.FramedWal;
import io.sightline.storage.io.RecordFrames;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.LogRecord;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The log WAL: a {@link FramedWal} whose frames are one commit each ({@code uvarint count, records}). A new file
 * starts at every segment cut, so that once the segment is durable the files before it can go. Thread-safety:
 * calls are made under the engine's commit lock, except {@link #sync()} which may run from the sync job.
 */
final class LogWal implements AutoCloseable {
    static final int MAGIC = 0x4C574C53; // "SLWL" little-endian
    static final int VERSION = 1;
    private static final String WHAT = "log WAL";

    private final FramedWal wal;

    LogWal(Path dir, TaggedAllocator allocator, WalSyncMode syncMode) {
        this.wal = new FramedWal(dir, allocator, syncMode, MAGIC, VERSION, WHAT);
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

    /** Starts writing file {@code n} (closing the current one, synced). */
    void openFile(int n) {
        wal.openFile(n);
    }

    int number() {
        return wal.number();
    }

    /** Writes one commit; returns after the bytes are in the file (and fsynced in {@link WalSyncMode#ALWAYS}). */
    void log(List<LogRecord> records) {
        wal.log(sink -> {
            sink.putUvarint(records.size());
            for (LogRecord r : records) {
                RecordCodec.write(r, sink);
            }
        });
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
        wal.close();
    }
}
