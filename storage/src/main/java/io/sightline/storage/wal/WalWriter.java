package io.sightline.storage.wal;

import io.sightline.storage.StorageException;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.head.CommitBatch;
import io.sightline.storage.head.HeadLog;
import io.sightline.storage.head.WalCheckpoint;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.FileHeader;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.TaggedAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Appends commits to WAL segments: one write per commit (the samples encoded and compressed by
 * {@link #prepare} before the head's commit locks, on the committing thread), fsync per {@link WalSyncMode},
 * a new segment when the current one would pass the configured size. Thread-safety: {@link #log} is called
 * under the head's log lock, {@link #prepare} by any number of threads at once; truncation and the sync job
 * may run concurrently with them.
 *
 * <p>After a failed write the segment is cut back to its last complete record, so later records never
 * follow a torn one; when even that fails, or an fsync fails, the writer is <em>distressed</em> and refuses
 * every further commit until the store is reopened (an fsync error may have dropped pages silently).
 *
 * <p>A segment that cannot be created (a full disk) is not a distress: nothing was written to it. The file is
 * removed again, the current segment stays current, and the next write tries again; so the writer takes
 * commits again by itself once space returns. At {@link #start} there is no current segment: a store opened
 * on a full disk serves what it replayed and refuses commits until the segment can be created.
 */
public final class WalWriter implements HeadLog, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WalWriter.class);
    /** Bounds a checkpoint's series records to a few MiB each. */
    private static final int CHECKPOINT_SERIES_PER_RECORD = 10_000;

    private final Path dir;
    private final TaggedAllocator allocator;
    private final FileFacade files;
    private final WalSyncMode syncMode;
    private final long syncIntervalMillis;
    private final long segmentSizeBytes;
    private final LongConsumer fsyncNanos;
    private final LongConsumer writeNanos;
    private final WalEncoder encoder;
    private final ByteSink sink;
    private final Object lock = new Object();
    /** Encoders of {@link #prepare} not in use; see {@link PreparedRecords}. */
    private final ConcurrentLinkedDeque<PreparedRecords> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean isClosed;
    /** Newest sample time per closed segment, for truncation once blocks hold those samples. */
    private final TreeMap<Integer, Long> closedSegments = new TreeMap<>();
    private ScheduledExecutorService syncJob;
    /** The current segment's file; null while {@link #segment} could not be created yet. */
    private volatile FileChannel channel;
    private volatile boolean isDirty;
    private volatile String distress;
    /** The current segment's number, or while {@link #channel} is null the number it is to get. */
    private int segment;
    private long segmentBytes;
    private long segmentMaxTime = Long.MIN_VALUE;

    /**
     * A writer that is not yet writable: {@link #start} it after the replay.
     *
     * @param fsyncNanos receives the duration of every fsync, for self-metrics
     * @param writeNanos receives the duration of every segment write (without its fsync), for self-metrics
     */
    public WalWriter(Path dataDir, TaggedAllocator allocator, WalSyncMode syncMode, long syncIntervalMillis,
                     long segmentSizeBytes, LongConsumer fsyncNanos, LongConsumer writeNanos) {
        this.dir = dataDir.resolve(WalFormat.DIR);
        this.allocator = allocator;
        this.files = allocator.files();
        this.syncMode = syncMode;
        this.syncIntervalMillis = syncIntervalMillis;
        this.segmentSizeBytes = segmentSizeBytes;
        this.fsyncNanos = fsyncNanos;
        this.writeNanos = writeNanos;
        this.sink = new ByteSink(allocator, MemoryTag.WAL, 1 << 16);
        this.encoder = new WalEncoder(allocator);
    }

    /**
     * Opens a fresh segment after what the replay found, and starts the interval sync job if configured. When
     * the segment cannot be created, the writer starts without one and every commit tries again (see above).
     */
    public void start(WalReplayer.Result replayed) {
        synchronized (lock) {
            closedSegments.putAll(replayed.segmentMaxTimes());
            segment = replayed.nextSegment();
            try {
                useSegment(segment, createSegment(segment));
            } catch (StorageException e) {
                log.warn("WAL segment cannot be created; commits are refused until it can [error={}]", e.getMessage());
            }
        }
        if (syncMode == WalSyncMode.INTERVAL) {
            syncJob = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sightline-wal-sync");
                t.setDaemon(true);
                return t;
            });
            syncJob.scheduleWithFixedDelay(this::syncIfDirty, syncIntervalMillis, syncIntervalMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Encodes (and compresses) the samples and metadata with an encoder from the pool, or a new one when every
     * pooled one is in use: as many exist as commits were ever prepared at once.
     */
    @Override
    public Prepared prepare(CommitBatch batch) {
        PreparedRecords p = idle.poll();
        if (p == null) {
            p = new PreparedRecords(allocator);
        }
        p.encoder.encodeSamples(batch, p.sink);
        return p;
    }

    @Override
    public void log(CommitBatch batch, Prepared prepared) {
        PreparedRecords p = (PreparedRecords) prepared;
        synchronized (lock) {
            if (batch.newSeriesCount() == 0) {
                write(p.sink.buffer(), p.encoder.maxTime());
                return;
            }
            // The series record goes first: a replay meets a series before its samples.
            encoder.encodeNewSeries(batch, sink);
            ByteBuffer records = p.sink.buffer().duplicate().flip();
            sink.ensure(records.remaining());
            sink.buffer().put(records);
            write(sink.buffer(), p.encoder.maxTime());
        }
    }

    /**
     * Re-logs the series still in the head and all metadata into the current segment, so that deleting
     * older segments loses neither (a checkpoint, as Prometheus writes before truncating its WAL).
     */
    private void logCheckpoint(WalCheckpoint checkpoint) {
        int[] ids = checkpoint.seriesIds();
        for (int from = 0; from < ids.length; from += CHECKPOINT_SERIES_PER_RECORD) {
            encoder.encodeSeries(ids, checkpoint.seriesLabels(), from, Math.min(ids.length, from + CHECKPOINT_SERIES_PER_RECORD), sink);
            write(sink.buffer(), Long.MIN_VALUE);
        }
        encoder.encodeMetadata(checkpoint.metadata(), sink);
        if (sink.position() > 0) {
            write(sink.buffer(), Long.MIN_VALUE);
        }
    }

    /** Writes {@code buf}'s content (up to its position) as the next records of the current segment. */
    private void write(ByteBuffer buf, long maxTime) {
        if (distress != null) {
            throw new StorageException("the WAL refuses writes after an earlier I/O failure (" + distress + "); reopen the store");
        }
        int length = buf.position();
        if (channel == null) {
            useSegment(segment, createSegment(segment));
        } else if (segmentBytes + length > segmentSizeBytes && segmentBytes > FileHeader.BYTES) {
            cutSegment();
        }
        buf.flip();
        long start = System.nanoTime();
        try {
            files.writeFully(channel, buf);
        } catch (IOException e) {
            repairAfterFailedWrite(e);
            throw new StorageException("cannot write WAL segment " + segmentPath(segment) + " at offset " + segmentBytes
                    + ": " + e.getMessage(), e);
        }
        writeNanos.accept(System.nanoTime() - start);
        segmentBytes += length;
        segmentMaxTime = Math.max(segmentMaxTime, maxTime);
        if (syncMode == WalSyncMode.ALWAYS) {
            force(channel);
        } else {
            isDirty = true;
        }
    }

    private void repairAfterFailedWrite(IOException cause) {
        try {
            files.truncate(channel, segmentBytes);
            channel.position(segmentBytes);
        } catch (IOException e) {
            distress = "write failed and the segment could not be cut back: " + e.getMessage();
            log.error("WAL is distressed, refusing writes [file={}, offset={}]", segmentPath(segment), segmentBytes, cause);
        }
    }

    private void force(FileChannel ch) {
        long start = System.nanoTime();
        try {
            files.force(ch);
        } catch (ClosedChannelException e) {
            return; // cut or closed meanwhile; both force before closing
        } catch (IOException e) {
            distress = "fsync failed: " + e.getMessage();
            log.error("WAL fsync failed, refusing writes until reopened [dir={}]", dir, e);
            throw new StorageException("cannot fsync WAL in " + dir + ": " + e.getMessage(), e);
        }
        fsyncNanos.accept(System.nanoTime() - start);
    }

    private void syncIfDirty() {
        try {
            FileChannel ch = channel;
            if (isDirty && ch != null) {
                isDirty = false;
                force(ch);
            }
        } catch (Throwable t) {
            log.error("WAL sync job failed [dir={}]", dir, t);
        }
    }

    /** Starts the next segment; the current one stays current when the next cannot be created. */
    private void cutSegment() {
        FileChannel next = createSegment(segment + 1);
        FileChannel old = channel;
        if (syncMode != WalSyncMode.NEVER) {
            force(old);
        }
        closeQuietly(old);
        closedSegments.put(segment, segmentMaxTime);
        useSegment(segment + 1, next);
    }

    private void useSegment(int number, FileChannel ch) {
        channel = ch;
        segment = number;
        segmentBytes = FileHeader.BYTES;
        segmentMaxTime = Long.MIN_VALUE;
    }

    /** Creates segment {@code number} with its header, durable; on failure removes what it created. */
    private FileChannel createSegment(int number) {
        Path path = segmentPath(number);
        FileChannel ch = null;
        try {
            files.createDirectories(dir);
            ch = files.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            // Not through the sink: a cut happens in the middle of writing the batch that sits in it.
            ByteBuffer header = ByteBuffer.allocate(FileHeader.BYTES).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(WalFormat.MAGIC).put((byte) WalFormat.VERSION).put((byte) 0).put((byte) 0).put((byte) 0)
                    .flip();
            files.writeFully(ch, header);
            if (syncMode != WalSyncMode.NEVER) {
                files.force(ch);
                files.syncDirectory(dir);
            }
            return ch;
        } catch (IOException e) {
            StorageException failure = new StorageException("cannot create WAL segment " + path + ": " + e.getMessage(), e);
            if (ch != null) {
                // A header-less file would stop the next attempt (CREATE_NEW) and be skipped by every replay.
                closeQuietly(ch);
                try {
                    files.deleteRecursively(path);
                } catch (IOException again) {
                    failure.addSuppressed(again);
                }
            }
            throw failure;
        }
    }

    /**
     * Deletes closed segments whose every sample is older than {@code minTime} (they are in blocks now),
     * after writing a checkpoint of the live series and the metadata so they outlive them. Returns how
     * many segments were deleted.
     */
    public int truncateBefore(long minTime, Supplier<WalCheckpoint> checkpoint) {
        synchronized (lock) {
            if (closedSegments.isEmpty() || closedSegments.firstEntry().getValue() >= minTime) {
                return 0;
            }
            logCheckpoint(checkpoint.get());
            if (syncMode != WalSyncMode.NEVER && channel != null) {
                force(channel);
            }
            int deleted = 0;
            // Delete a prefix only: a segment kept in the middle would replay without its predecessors.
            while (!closedSegments.isEmpty() && closedSegments.firstEntry().getValue() < minTime) {
                int n = closedSegments.pollFirstEntry().getKey();
                try {
                    files.deleteRecursively(segmentPath(n));
                    deleted++;
                } catch (IOException e) {
                    log.warn("cannot delete WAL segment, will retry at the next truncation [file={}]", segmentPath(n), e);
                    closedSegments.put(n, Long.MIN_VALUE);
                    break;
                }
            }
            return deleted;
        }
    }

    /** Bytes of the WAL's segment files on disk (a file deleted meanwhile counts 0). */
    public long bytesOnDisk() {
        long sum = 0;
        try {
            for (Path p : files.list(dir)) {
                try {
                    sum += files.size(p);
                } catch (IOException e) {
                    // deleted by a truncation meanwhile
                }
            }
        } catch (IOException e) {
            log.warn("cannot list the WAL to measure it [dir={}, error={}]", dir, e.getMessage());
        }
        return sum;
    }

    /** Closes the current segment and starts a new one, so its samples become eligible for truncation. */
    public void cut() {
        synchronized (lock) {
            if (channel != null && segmentBytes > FileHeader.BYTES) {
                cutSegment();
            }
        }
    }

    private Path segmentPath(int number) {
        return dir.resolve(WalFormat.segmentName(number));
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            log.warn("closing a WAL segment failed", e);
        }
    }

    /** Flushes (fsync unless {@link WalSyncMode#NEVER}) and closes. Idempotent. */
    @Override
    public void close() {
        if (syncJob != null) {
            // Not shutdownNow: interrupting a thread inside FileChannel.force closes the channel.
            syncJob.shutdown();
            try {
                syncJob.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            syncJob = null;
        }
        synchronized (lock) {
            if (isClosed) {
                return;
            }
            FileChannel ch = channel;
            channel = null;
            if (ch != null) {
                try {
                    if (syncMode != WalSyncMode.NEVER && distress == null) {
                        files.force(ch);
                    }
                } catch (IOException e) {
                    log.error("final WAL fsync failed [dir={}]", dir, e);
                }
                closeQuietly(ch);
            }
            sink.release();
            encoder.close();
            isClosed = true;
        }
        for (PreparedRecords p; (p = idle.poll()) != null; ) {
            p.free();
        }
    }

    /**
     * One commit's samples and metadata records, encoded before the head's commit locks by {@link #prepare}: a sink
     * and an encoder (zstd context) of its own, returned to the writer's pool on release.
     */
    private final class PreparedRecords implements Prepared {
        final WalEncoder encoder;
        final ByteSink sink;

        PreparedRecords(TaggedAllocator allocator) {
            this.encoder = new WalEncoder(allocator);
            this.sink = new ByteSink(allocator, MemoryTag.WAL, 1 << 16);
        }

        @Override
        public void release() {
            if (isClosed) {
                free();
                return;
            }
            idle.push(this);
            // close() may have drained the pool between the check and the push
            if (isClosed && idle.remove(this)) {
                free();
            }
        }

        void free() {
            sink.release();
            encoder.close();
        }
    }
}
