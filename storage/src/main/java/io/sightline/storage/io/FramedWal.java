package io.sightline.storage.io;

import io.sightline.storage.StorageException;
import io.sightline.storage.WalSyncMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * A WAL of numbered files ({@code 00000001}, ...), each a {@link FileHeader} then {@link RecordFrames}, one frame
 * per commit; the log and trace stores use it with their own magic and payload codec. A new file starts at
 * every segment cut, so that once the segment is durable the files before it can go. Thread-safety: calls
 * are made under the owner's commit lock, except {@link #sync()} which may run from a sync job.
 *
 * <p>A file that cannot be created (a full disk) changes nothing: it is removed again and the current file stays
 * current, so commits go on once space returns. Opened on a full disk, the WAL has no current file until a commit
 * manages to create it ({@link #start}): the store serves what it replayed meanwhile.
 */
public final class FramedWal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FramedWal.class);

    private final Path dir;
    private final FileFacade files;
    private final WalSyncMode syncMode;
    private final int magic;
    private final int version;
    /** Names the WAL in messages, e.g. "log WAL". */
    private final String what;
    private final ByteSink sink;
    private final CRC32C crc = new CRC32C();
    private volatile FileChannel channel;
    private volatile boolean isDirty;
    /** The current file's number, or while {@link #channel} is null the number it is to get. */
    private int number;
    /** What {@link #start} asked the first record of a file it could not create to be, until it is created. */
    private Consumer<ByteSink> pendingFirst;
    private String distress;

    public FramedWal(Path dir, TaggedAllocator allocator, WalSyncMode syncMode, int magic, int version, String what) {
        this.dir = dir;
        this.files = allocator.files();
        this.syncMode = syncMode;
        this.magic = magic;
        this.version = version;
        this.what = what;
        this.sink = new ByteSink(allocator, MemoryTag.WAL, 1 << 16);
    }

    public static String name(int number) {
        return String.format("%08d", number);
    }

    public static int number(Path file) {
        String n = file.getFileName().toString();
        return n.length() == 8 && n.chars().allMatch(Character::isDigit) ? Integer.parseInt(n) : -1;
    }

    /**
     * Replays every file numbered {@code >= from} through {@code visitor}, cutting damaged tails; returns the
     * next free file number.
     */
    public static int replay(Path dir, TaggedAllocator allocator, int magic, int version, String what, int from,
                             RecordFrames.Visitor visitor) {
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
                    String problem = FileHeader.problem(mapped.segment(), magic, version);
                    if (problem != null) {
                        log.warn("{} file unreadable, skipped [file={}, problem={}]", what, file, problem);
                        continue;
                    }
                    RecordFrames.ScanResult scan = RecordFrames.scan(mapped.segment(), FileHeader.BYTES, visitor);
                    if (!scan.isClean()) {
                        log.warn("{} tail damaged, cut [file={}, offset={}, problem={}]", what, file, scan.goodEnd(), scan.problem());
                        mapped.close();
                        try (FileChannel ch = files.open(file, StandardOpenOption.WRITE)) {
                            files.truncate(ch, scan.goodEnd());
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot replay the " + what + " under " + dir + ": " + e.getMessage(), e);
        }
        return next;
    }

    /**
     * Starts writing file {@code n}, or, when it cannot be created, leaves the WAL without a file: the first
     * {@link #log} creates it then. {@code first}, when not null, writes the payload of the record the file begins
     * with (as in {@link #openFile}).
     */
    public void start(int n, Consumer<ByteSink> first) {
        number = n;
        try {
            openFile(n, first);
        } catch (StorageException e) {
            pendingFirst = first;
            log.warn("{} file cannot be created; commits are refused until it can [error={}]", what, e.getMessage());
        }
    }

    /**
     * Starts writing file {@code n}, closing the current one (synced). {@code first}, when not null, writes the
     * payload of a record the new file begins with. When the file cannot be created the current one stays current.
     */
    public void openFile(int n, Consumer<ByteSink> first) {
        Path path = dir.resolve(name(n));
        FileChannel ch = null;
        try {
            files.createDirectories(dir);
            ch = files.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            sink.clear();
            FileHeader.write(sink, magic, version);
            if (first != null) {
                int start = RecordFrames.begin(sink);
                first.accept(sink);
                RecordFrames.end(sink, start, crc);
            }
            files.writeFully(ch, sink.buffer().flip());
            if (first != null && syncMode == WalSyncMode.ALWAYS) {
                files.force(ch); // as durable as any other record
            }
            files.syncDirectory(dir);
            closeChannel();
        } catch (IOException e) {
            StorageException failure = new StorageException("cannot create " + what + " file " + path + ": " + e.getMessage(), e);
            if (ch != null) {
                // Left behind, a header-less file would stop the next attempt (CREATE_NEW) and be skipped by replays.
                try {
                    ch.close();
                    files.deleteRecursively(path);
                } catch (IOException again) {
                    failure.addSuppressed(again);
                }
            }
            throw failure;
        } finally {
            sink.clear();
        }
        channel = ch;
        number = n;
        pendingFirst = null;
        if (first != null && syncMode != WalSyncMode.ALWAYS) {
            isDirty = true; // the sync job fsyncs the first record as it does a commit's
        }
    }

    public int number() {
        return number;
    }

    /**
     * Writes one commit, whose payload {@code payload} puts into the sink; returns after the bytes are in the
     * file (and fsynced in {@link WalSyncMode#ALWAYS}). On failure the file is cut back to before the frame.
     */
    public void log(Consumer<ByteSink> payload) {
        if (distress != null) {
            throw new StorageException("the " + what + " refuses writes after an earlier I/O failure (" + distress + "); restart");
        }
        if (channel == null) {
            openFile(number, pendingFirst);
        }
        sink.clear();
        int start = RecordFrames.begin(sink);
        payload.accept(sink);
        RecordFrames.end(sink, start, crc);
        FileChannel ch = channel;
        long before = -1;
        try {
            before = ch.position();
            files.writeFully(ch, sink.buffer().flip());
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
            throw new StorageException("cannot write the " + what + " " + dir.resolve(name(number)) + ": " + e.getMessage(), e);
        } finally {
            sink.clear();
        }
    }

    public void sync() {
        FileChannel ch = channel;
        if (isDirty && ch != null && ch.isOpen()) {
            isDirty = false;
            try {
                files.force(ch);
            } catch (IOException e) {
                log.error("{} fsync failed [file={}, error={}]", what, dir.resolve(name(number)), e.getMessage());
                distress = "fsync: " + e.getMessage();
            }
        }
    }

    /** Deletes the files numbered below {@code n}, whose records are now in a durable segment. */
    public void deleteBefore(int n) {
        try {
            for (Path file : files.list(dir)) {
                int k = number(file);
                if (k >= 0 && k < n) {
                    files.deleteRecursively(file);
                }
            }
        } catch (IOException e) {
            log.warn("cannot delete old {} files [dir={}, error={}]", what, dir, e.getMessage());
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
        try {
            closeChannel();
        } catch (IOException e) {
            log.warn("closing the {} failed [error={}]", what, e.getMessage());
        }
        sink.release();
    }
}
