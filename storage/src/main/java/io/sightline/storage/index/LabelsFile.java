package io.sightline.storage.index;

import io.sightline.storage.StorageException;
import io.sightline.storage.io.ByteReader;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.CorruptDataException;
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
 * record per series in id order (layout in storage/docs/format/index.md). Version 3 codes each record
 * against an earlier record of its group of {@link #GROUP} ids ({@link LabelsDelta}), so a series costs
 * about a fifth of its canonical label bytes; version 2 files (payload {@code u32 id, canonical label
 * bytes}) are still read and appended to in their own version. Keeps only the offset of each record, the
 * newest group and the last group read in memory, and reads labels on demand. A torn tail is cut at open.
 * Thread-safe.
 */
final class LabelsFile implements AutoCloseable {
    static final int MAGIC = 0x4C424C53; // "SLBL" little-endian
    /**
     * The version of the whole registry (this file and the map beside it, which carries no header of
     * ours) that new files get. 2: the map is keyed by {@link SeriesKeyHash} instead of the canonical label
     * bytes. 3: the same map; records coded against an earlier record of their group, id implied by order.
     */
    static final int VERSION = 3;
    /** The oldest version this build reads (and appends to, in that version). */
    static final int OLDEST_VERSION = 2;
    /**
     * Ids per group in version 3 (ids 1..16, 17..32, ...): a record's base is an earlier record of its group,
     * so reading one id decodes at most one group. 16 measured: 25 bytes per series on compare.sh's
     * workload against 106 plain; a reader decodes ~0.4 KB per uncached lookup.
     */
    static final int GROUP = 16;
    /** A sink grown past this by a large batch is dropped after it, so one huge request does not pin memory. */
    private static final int MAX_RETAINED_SINK_BYTES = 256 << 10;

    private static final Logger log = LoggerFactory.getLogger(LabelsFile.class);

    private final Path path;
    private final TaggedAllocator allocator;
    private final FileChannel channel;
    private ByteSink sink;
    /** Where each record of {@link #appendAll}'s batch starts in the sink. */
    private int[] recordStarts = new int[16];
    /**
     * The channel's write position when known, else -1: appends write at the end, where the last one left
     * the position, so they skip the seek ({@code lseek}, a syscall per batch).
     */
    private long channelPosition = -1;
    private final CRC32C crc = new CRC32C();
    private final Object lock = new Object();
    /** offsets[id] is where the record of series id starts; index 0 unused. */
    private long[] offsets = new long[1024];
    private int count;
    private long size;
    private int version = VERSION;
    /** Version 3: the records of group {@link #tailGroup}, the newest, by slot {@code (id - 1) % GROUP}; bases for appends. */
    private final LabelsDelta.Parsed[] tail = new LabelsDelta.Parsed[GROUP];
    private int tailGroup;
    /**
     * Version 3: the instance each slot's new record is parsed into, reused from group to group (an entry
     * of {@link #tail} is one of these or a record read at open; both only change under the lock).
     */
    private final LabelsDelta.Parsed[] slotRecords = new LabelsDelta.Parsed[GROUP];
    /** Version 3: the last complete group decoded from the file; lookups come in runs of nearby ids (replay, rebuild). */
    private volatile DecodedGroup lastRead;

    private LabelsFile(Path path, TaggedAllocator allocator, FileChannel channel) {
        this.path = path;
        this.allocator = allocator;
        this.channel = channel;
        this.sink = new ByteSink(allocator, MemoryTag.INDEX, 512);
        for (int i = 0; i < GROUP; i++) {
            slotRecords[i] = new LabelsDelta.Parsed();
        }
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
        String problem = FileHeader.problem(mapped.segment(), MAGIC, OLDEST_VERSION, VERSION);
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
            version = mapped.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 4);
            result = RecordFrames.scan(mapped.segment(), FileHeader.BYTES, (payload, offset) -> {
                int id = count + 1;
                if (version == 2) {
                    int stored = payload.getInt();
                    if (stored != id) {
                        throw new CorruptDataException("series id " + stored + " out of sequence, expected " + id, offset);
                    }
                } else {
                    long base = ByteReader.uvarint(payload);
                    if (base > (id - 1) % GROUP) {
                        throw new CorruptDataException("record of series " + id + " refers to " + base
                                + " records back, before its group", offset);
                    }
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
        if (version == 3 && count > 0) {
            tailGroup = (count - 1) / GROUP;
            LabelsDelta.Parsed[] newest = readGroup(tailGroup, offsets[groupStart(tailGroup)], size, count);
            System.arraycopy(newest, 0, tail, 0, newest.length);
        }
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
        return appendAll(new byte[][]{canonicalLabels}, 1);
    }

    /**
     * Appends the records of the next {@code n} ids, {@code canonicalLabels[0, n)} in order, with one write,
     * and returns the first of those ids. All or nothing: when the write fails, no id is taken (a partly
     * written tail is overwritten by the next append, or fails its CRC and is cut at open).
     */
    int appendAll(byte[][] canonicalLabels, int n) {
        synchronized (lock) {
            int first = count + 1;
            sink.clear();
            if (recordStarts.length < n) {
                recordStarts = new int[Math.max(n, recordStarts.length * 2)];
            }
            try {
                for (int k = 0; k < n; k++) {
                    int id = first + k;
                    recordStarts[k] = sink.position();
                    int start = RecordFrames.begin(sink);
                    if (version == 2) {
                        sink.putInt(id);
                        sink.putBytes(canonicalLabels[k]);
                    } else {
                        LabelsDelta.Parsed parsed = slotRecords[(id - 1) % GROUP];
                        parsed.parse(canonicalLabels[k]);
                        writeCoded(id, parsed);
                        int group = (id - 1) / GROUP;
                        if (group != tailGroup) {
                            Arrays.fill(tail, null);
                            tailGroup = group;
                        }
                        tail[(id - 1) % GROUP] = parsed;
                    }
                    RecordFrames.end(sink, start, crc);
                }
                flushSink(size);
            } catch (IOException | RuntimeException e) {
                if (version == 3) {
                    // Records of this batch became bases of the ones after them as they were coded.
                    restoreTail(e);
                }
                if (e instanceof StorageException se) {
                    throw se;
                }
                throw new StorageException("cannot append " + n + " series records to series labels file " + path
                        + " at offset " + size + ": " + e.getMessage(), e);
            }
            for (int k = 0; k < n; k++) {
                addOffset(first + k, size + recordStarts[k]);
            }
            size += sink.position();
            if (sink.buffer().capacity() > MAX_RETAINED_SINK_BYTES) {
                sink.release();
                sink = new ByteSink(allocator, MemoryTag.INDEX, 512);
            }
            return first;
        }
    }

    /**
     * Puts the newest group back as the file has it, after a failed write (under the lock). When the file
     * cannot be read either, forgets it: the group's next records are then written without a base.
     */
    private void restoreTail(Exception failure) {
        Arrays.fill(tail, null);
        tailGroup = -1;
        if (count == 0) {
            return;
        }
        int group = (count - 1) / GROUP;
        try {
            LabelsDelta.Parsed[] newest = readGroup(group, offsets[groupStart(group)], size, count);
            System.arraycopy(newest, 0, tail, 0, newest.length);
            tailGroup = group;
        } catch (RuntimeException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    /** Version 3 payload: the base distance (0: none), then the labels coded against the cheapest base. */
    private void writeCoded(int id, LabelsDelta.Parsed parsed) {
        int slot = (id - 1) % GROUP;
        int best = 0;
        int bestCost = parsed.canonical.length;
        if (slot > 0 && (id - 1) / GROUP == tailGroup) {
            for (int s = slot - 1; s >= 0 && bestCost > parsed.count + 1; s--) {
                if (tail[s] == null) {
                    continue; // forgotten after a failed write
                }
                int c = LabelsDelta.cost(parsed, tail[s]);
                if (c < bestCost) {
                    bestCost = c;
                    best = slot - s;
                }
            }
        }
        sink.putUvarint(best);
        if (best == 0) {
            sink.putBytes(parsed.canonical);
        } else {
            LabelsDelta.write(sink, parsed, tail[slot - best]);
        }
    }

    /** Takes back the record {@link #append} just wrote for {@code id}, the newest. */
    void removeLast(int id) {
        synchronized (lock) {
            if (id != count) {
                throw new IllegalStateException("BUG: only the newest series record can be removed, " + id + " is not " + count);
            }
            size = offsets[id];
            count--;
            if (version == 3) {
                tail[(id - 1) % GROUP] = null;
            }
            channelPosition = -1;
            try {
                allocator.files().truncate(channel, size);
            } catch (IOException e) {
                // The next append overwrites the record; a leftover tail fails its CRC and is cut at open.
                log.warn("cannot truncate series labels file [file={}, offset={}]", path, size, e);
            }
        }
    }

    private void flushSink(long position) throws IOException {
        ByteBuffer b = sink.buffer();
        b.flip();
        if (channelPosition != position) {
            channel.position(position);
        }
        channelPosition = -1; // unknown until the write is complete (a short write may have moved it)
        allocator.files().writeFully(channel, b);
        channelPosition = position + b.limit();
    }

    /** The labels of {@code id}, or {@code null} when unknown. */
    Labels labels(int id) {
        byte[] canonical = canonical(id);
        return canonical == null ? null : LabelsCodec.read(ByteBuffer.wrap(canonical));
    }

    /** Whether series {@code id} exists and has exactly these canonical label bytes. */
    boolean hasLabels(int id, byte[] canonicalLabels) {
        return Arrays.equals(canonical(id), canonicalLabels);
    }

    /** The canonical label bytes of {@code id}, or {@code null} when unknown. */
    byte[] canonicalLabels(int id) {
        byte[] canonical = canonical(id);
        return canonical == null ? null : canonical.clone();
    }

    /** The canonical label bytes of {@code id} (shared: not to be modified), or {@code null} when unknown. */
    private byte[] canonical(int id) {
        int group = (id - 1) / GROUP;
        long from;
        long end;
        int last;
        synchronized (lock) {
            if (id <= 0 || id > count) {
                return null;
            }
            if (version == 2) {
                from = offsets[id];
                end = id < count ? offsets[id + 1] : size;
                last = id;
            } else {
                if (group == tailGroup && tail[(id - 1) % GROUP] != null) {
                    return tail[(id - 1) % GROUP].canonical;
                }
                last = Math.min(count, groupStart(group) + GROUP - 1);
                from = offsets[groupStart(group)];
                end = last < count ? offsets[last + 1] : size;
            }
        }
        if (version == 2) {
            ByteBuffer record = read(from, end);
            record.position(RecordFrames.FRAME_HEADER_BYTES + Integer.BYTES);
            byte[] bytes = new byte[record.remaining()];
            record.get(bytes);
            return bytes;
        }
        DecodedGroup cached = lastRead;
        if (cached != null && cached.group == group) {
            return cached.records[id - groupStart(group)].canonical;
        }
        LabelsDelta.Parsed[] records = readGroup(group, from, end, last);
        if (records.length == GROUP) {
            lastRead = new DecodedGroup(group, records); // complete, so immutable from now on
        }
        return records[id - groupStart(group)].canonical;
    }

    private static int groupStart(int group) {
        return group * GROUP + 1;
    }

    /** Decodes the version-3 records of {@code group} (ids up to {@code last}) from the file range {@code [from, end)}. */
    private LabelsDelta.Parsed[] readGroup(int group, long from, long end, int last) {
        ByteBuffer bytes = read(from, end);
        LabelsDelta.Parsed[] records = new LabelsDelta.Parsed[last - groupStart(group) + 1];
        try {
            for (int i = 0; i < records.length; i++) {
                int length = bytes.getInt();
                bytes.getInt(); // CRC32C: checked when the file was opened
                ByteBuffer payload = bytes.slice(bytes.position(), length);
                bytes.position(bytes.position() + length);
                int base = ByteReader.count(payload, i);
                if (base == 0) {
                    byte[] canonical = new byte[payload.remaining()];
                    payload.get(canonical);
                    records[i] = LabelsDelta.Parsed.of(canonical);
                } else {
                    records[i] = LabelsDelta.read(payload, records[i - base]);
                }
            }
        } catch (CorruptDataException | java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new StorageException("corrupt series labels file " + path + " in the records of series "
                    + groupStart(group) + " to " + last + " from offset " + from + ": " + e.getMessage()
                    + "; delete the index directory to rebuild the registry", e);
        }
        return records;
    }

    private ByteBuffer read(long from, long end) {
        try {
            // Records are contiguous, so the next record's offset gives the length: one read, not two.
            ByteBuffer record = ByteBuffer.allocate((int) (end - from)).order(ByteOrder.LITTLE_ENDIAN);
            while (record.hasRemaining() && allocator.files().read(channel, record, from + record.position()) > 0) {
                // keep reading
            }
            record.flip();
            return record;
        } catch (IOException e) {
            throw new StorageException("cannot read series labels file " + path + " at offset " + from + ": " + e.getMessage(), e);
        }
    }

    /** Where the record of {@code id} starts in the file (for tests that cut it). */
    long offsetOf(int id) {
        synchronized (lock) {
            return offsets[id];
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

    /** A group of version-3 records as decoded, by slot. */
    private record DecodedGroup(int group, LabelsDelta.Parsed[] records) {
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
