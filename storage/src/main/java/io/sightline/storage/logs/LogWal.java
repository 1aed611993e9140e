package io.sightline.storage.logs;

import io.sightline.storage.StorageException;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.CorruptDataException;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.FileHeader;
import io.sightline.storage.io.MappedFile;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.RecordFrames;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The log WAL: numbered files of {@link RecordFrames}, one frame per commit. A new file starts at every
 * segment cut, so that once the segment is durable the files before it can go. Thread-safety: calls are
 * made under the engine's commit lock, except {@link #sync()} which may run from the sync job.
 */
final class LogWal implements AutoCloseable {
    static final int MAGIC = 0x4C574C53; // "SLWL" little-endian
    static final int VERSION = 1;
    private static final Logger log = LoggerFactory.getLogger(LogWal.class);

    private final Path dir;
    private final FileFacade files;
    private final WalSyncMode syncMode;
    private final ByteSink sink;
    private final TaggedAllocator allocator;
    /** Encode buffers for concurrent commits; at most {@link #POOLED_SINKS} are kept. */
    private final java.util.concurrent.ConcurrentLinkedQueue<ByteSink> pool = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger pooled = new java.util.concurrent.atomic.AtomicInteger();
    private static final int POOLED_SINKS = 8;
    private volatile FileChannel channel;
    private volatile boolean isDirty;
    private volatile boolean isClosed;
    private int number;
    private String distress;

    LogWal(Path dir, TaggedAllocator allocator, WalSyncMode syncMode) {
        this.dir = dir;
        this.files = allocator.files();
        this.syncMode = syncMode;
        this.sink = new ByteSink(allocator, MemoryTag.WAL, 1 << 16);
        this.allocator = allocator;
    }

    static String name(int number) {
        return String.format("%08d", number);
    }

    static int number(Path file) {
        String n = file.getFileName().toString();
        return n.length() == 8 && n.chars().allMatch(Character::isDigit) ? Integer.parseInt(n) : -1;
    }

    /**
     * Replays every file numbered {@code >= from} into {@code sink}, cutting damaged tails; returns the next
     * free file number.
     */
    static int replay(Path dir, TaggedAllocator allocator, int from, Consumer<LogRecord> sink) {
        FileFacade files = allocator.files();
        int next = from;
        try {
            for (Path file : files.list(dir)) {
                int n = number(file);
                if (n < 0) {
                    continue;
                }
                next = Math.max(next, n + 1);
                if (n < from) {
                    continue;
                }
                try (MappedFile mapped = allocator.map(file, MemoryTag.WAL)) {
                    String problem = FileHeader.problem(mapped.segment(), MAGIC, VERSION);
                    if (problem != null) {
                        log.warn("log WAL file unreadable, skipped [file={}, problem={}]", file, problem);
                        continue;
                    }
                    RecordFrames.ScanResult scan = RecordFrames.scan(mapped.segment(), FileHeader.BYTES, (payload, offset) -> {
                        int count = commitSize(payload);
                        for (int i = 0; i < count; i++) {
                            sink.accept(RecordCodec.read(payload));
                        }
                    });
                    if (!scan.isClean()) {
                        log.warn("log WAL tail damaged, cut [file={}, offset={}, problem={}]", file, scan.goodEnd(), scan.problem());
                        mapped.close();
                        try (FileChannel ch = files.open(file, StandardOpenOption.WRITE)) {
                            files.truncate(ch, scan.goodEnd());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot replay the log WAL under " + dir + ": " + e.getMessage(), e);
        }
        return next;
    }

    private static int commitSize(ByteBuffer payload) {
        int at = payload.position();
        int count = io.sightline.storage.io.ByteReader.count(payload, RecordFrames.MAX_PAYLOAD_BYTES);
        if (count == 0) {
            throw new CorruptDataException("empty commit", at);
        }
        return count;
    }

    /** Starts writing file {@code n} (closing the current one, synced). */
    void openFile(int n) {
        try {
            files.createDirectories(dir);
            closeChannel();
            FileChannel ch = files.open(dir.resolve(name(n)), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            sink.clear();
            FileHeader.write(sink, MAGIC, VERSION);
            ByteBuffer b = sink.buffer().flip();
            files.writeFully(ch, b);
            sink.clear();
            files.syncDirectory(dir);
            channel = ch;
            number = n;
        } catch (IOException e) {
            throw new StorageException("cannot create log WAL file " + dir.resolve(name(n)) + ": " + e.getMessage(), e);
        }
    }

    int number() {
        return number;
    }

    /**
     * Encodes one commit as a framed, CRC-checked record into a pooled buffer. Thread-safe: runs on the committing
     * thread outside the engine's lock, so that concurrent requests encode in parallel; pass the result to
     * {@link #write} under the lock, which gives the buffer back.
     */
    ByteSink encode(List<LogRecord> records) {
        ByteSink out = pool.poll();
        if (out == null) {
            out = new ByteSink(allocator, MemoryTag.WAL, 1 << 16);
        } else {
            pooled.decrementAndGet();
        }
        out.clear();
        int start = RecordFrames.begin(out);
        out.putUvarint(records.size());
        for (LogRecord r : records) {
            RecordCodec.write(r, out);
        }
        RecordFrames.end(out, start, new CRC32C());
        return out;
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

    /** Writes one encoded commit; returns after the bytes are in the file (and fsynced in {@link WalSyncMode#ALWAYS}). */
    void write(ByteSink encoded) {
        try {
            if (distress != null) {
                throw new StorageException("the log WAL refuses writes after an earlier I/O failure (" + distress + "); restart");
            }
            FileChannel ch = channel;
            long before = -1;
            try {
                before = ch.position();
                files.writeFully(ch, encoded.buffer().flip());
                if (syncMode == WalSyncMode.ALWAYS) {
                    files.force(ch);
                } else {
                    isDirty = true;
                }
            } catch (IOException e) {
                try {
                    if (before >= 0) {
                        files.truncate(ch, before);
                        ch.position(before);
                    }
                } catch (IOException again) {
                    distress = again.getMessage();
                }
                throw new StorageException("cannot write the log WAL " + dir.resolve(name(number)) + ": " + e.getMessage(), e);
            }
        } finally {
            giveBack(encoded);
        }
    }

    void sync() {
        FileChannel ch = channel;
        if (isDirty && ch != null && ch.isOpen()) {
            isDirty = false;
            try {
                files.force(ch);
            } catch (IOException e) {
                log.error("log WAL fsync failed [file={}, error={}]", dir.resolve(name(number)), e.getMessage());
                distress = "fsync: " + e.getMessage();
            }
        }
    }

    /** Deletes the files numbered below {@code n}, whose records are now in a durable segment. */
    void deleteBefore(int n) {
        try {
            for (Path file : files.list(dir)) {
                int k = number(file);
                if (k >= 0 && k < n) {
                    files.deleteRecursively(file);
                }
            }
        } catch (IOException e) {
            log.warn("cannot delete old log WAL files [dir={}, error={}]", dir, e.getMessage());
        }
    }

    private void closeChannel() throws IOException {
        FileChannel ch = channel;
        if (ch != null && ch.isOpen()) {
            if (syncMode != WalSyncMode.NEVER) {
                files.force(ch);
            }
            ch.close();
        }
    }

    @Override
    public void close() {
        isClosed = true;
        try {
            closeChannel();
        } catch (IOException e) {
            log.warn("closing the log WAL failed [error={}]", e.getMessage());
        }
        sink.release();
        ByteSink b;
        while ((b = pool.poll()) != null) {
            b.release();
        }
    }
}
