package io.sightline.storage.wal;

import com.github.luben.zstd.Zstd;
import io.sightline.storage.StorageException;
import io.sightline.storage.head.Head;
import io.sightline.storage.index.LabelsCodec;
import io.sightline.storage.io.ByteReader;
import io.sightline.storage.io.ByteSink;
import io.sightline.storage.io.CorruptDataException;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.FileHeader;
import io.sightline.storage.io.MappedFile;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.RecordFrames;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.MetricMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilds the head from the WAL at open. A segment whose tail is torn or corrupt is truncated at its
 * last intact record with a WARN naming file and offset, and replay goes on with the next segment: a
 * damaged WAL is never fatal.
 */
public final class WalReplayer {
    private static final Logger log = LoggerFactory.getLogger(WalReplayer.class);

    private final TaggedAllocator allocator;
    private final FileFacade files;
    private final Head head;
    private long samples;
    private long orphans;
    private long segmentMaxTime;

    private WalReplayer(TaggedAllocator allocator, Head head) {
        this.allocator = allocator;
        this.files = allocator.files();
        this.head = head;
    }

    /**
     * What replay found.
     *
     * @param nextSegment     the number the next segment must take
     * @param segmentMaxTimes newest sample time per replayed segment
     * @param samples         samples read (applied or not)
     * @param truncations     how many segments had a damaged tail cut
     */
    public record Result(int nextSegment, Map<Integer, Long> segmentMaxTimes, long samples, int truncations) {
    }

    /** Replays every segment under {@code dataDir/wal} into {@code head}, repairing damaged tails. */
    public static Result replay(Path dataDir, TaggedAllocator allocator, Head head) {
        WalReplayer r = new WalReplayer(allocator, head);
        try {
            return r.replayAll(dataDir.resolve(WalFormat.DIR));
        } finally {
            if (r.inflated != null) {
                r.inflated.release();
            }
        }
    }

    private Result replayAll(Path dir) {
        List<Path> entries;
        try {
            entries = files.list(dir);
        } catch (IOException e) {
            throw new StorageException("cannot list WAL directory " + dir + ": " + e.getMessage(), e);
        }
        Map<Integer, Long> maxTimes = new TreeMap<>();
        int last = 0;
        int truncations = 0;
        for (Path file : entries) {
            int number = WalFormat.segmentNumber(file);
            if (number < 0) {
                continue;
            }
            last = Math.max(last, number);
            segmentMaxTime = Long.MIN_VALUE;
            if (replaySegment(file)) {
                truncations++;
            }
            maxTimes.put(number, segmentMaxTime);
        }
        if (orphans > 0) {
            log.warn("WAL samples of series unknown to the registry were dropped [dir={}, samples={}]; the index "
                    + "directory is older than the WAL or damaged", dir, orphans);
        }
        if (samples > 0) {
            log.info("WAL replayed [dir={}, segments={}, samples={}, truncated={}]", dir, maxTimes.size(), samples, truncations);
        }
        return new Result(last + 1, maxTimes, samples, truncations);
    }

    /** Returns whether the segment's tail had to be cut. */
    private boolean replaySegment(Path file) {
        RecordFrames.ScanResult result;
        try (MappedFile mapped = allocator.map(file, MemoryTag.WAL)) {
            String headerProblem = FileHeader.problem(mapped.segment(), WalFormat.MAGIC, WalFormat.MIN_READ_VERSION,
                    WalFormat.VERSION);
            if (headerProblem != null && headerProblem.startsWith("unsupported")) {
                throw new StorageException("WAL segment " + file + ": " + headerProblem
                        + "; open this data directory with the Sightline version that wrote it");
            }
            if (headerProblem != null) {
                result = new RecordFrames.ScanResult(0, headerProblem);
            } else {
                result = RecordFrames.scan(mapped.segment(), FileHeader.BYTES, this::record);
            }
        } catch (IOException e) {
            throw new StorageException("cannot read WAL segment " + file + ": " + e.getMessage(), e);
        }
        if (result.isClean()) {
            return false;
        }
        log.warn("WAL segment has a torn or corrupt tail, truncating at the last intact record [file={}, offset={}, reason={}]",
                file, result.goodEnd(), result.problem());
        if (result.goodEnd() <= FileHeader.BYTES) {
            try {
                files.deleteRecursively(file);
            } catch (IOException e) {
                throw new StorageException("cannot delete damaged WAL segment " + file + ": " + e.getMessage(), e);
            }
            return true;
        }
        try (FileChannel ch = files.open(file, StandardOpenOption.WRITE)) {
            files.truncate(ch, result.goodEnd());
            files.force(ch);
        } catch (IOException e) {
            throw new StorageException("cannot truncate damaged WAL segment " + file + " at offset " + result.goodEnd()
                    + ": " + e.getMessage(), e);
        }
        return true;
    }

    private void record(ByteBuffer payload, long offset) {
        byte type = payload.get();
        switch (type) {
            case WalFormat.SERIES -> series(payload);
            case WalFormat.SAMPLES -> samples(payload);
            case WalFormat.METADATA -> metadata(payload);
            case WalFormat.COMPRESSED -> {
                ByteBuffer inner = decompress(payload, offset);
                if (inner.get(0) == WalFormat.COMPRESSED) {
                    throw new CorruptDataException("compressed WAL record inside a compressed one", offset);
                }
                record(inner, offset);
            }
            default -> throw new CorruptDataException("unknown WAL record type " + type, offset);
        }
    }

    private ByteBuffer decompress(ByteBuffer in, long offset) {
        int rawLength = ByteReader.count(in, RecordFrames.MAX_PAYLOAD_BYTES);
        if (inflated == null) {
            inflated = new ByteSink(allocator, MemoryTag.WAL, 1 << 16);
        }
        inflated.clear();
        inflated.ensure(rawLength);
        ByteBuffer out = inflated.buffer();
        long n;
        try {
            n = Zstd.decompressDirectByteBuffer(out, 0, rawLength, in, in.position(), in.remaining());
        } catch (RuntimeException e) {
            throw new CorruptDataException("compressed WAL record does not decompress: " + e.getMessage(), offset);
        }
        if (n != rawLength) {
            throw new CorruptDataException("compressed WAL record decompresses to " + n + " bytes, expected " + rawLength, offset);
        }
        return out.clear().limit(rawLength).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Scratch for {@link #decompress}, grown to the largest record; replay is single-threaded. */
    private ByteSink inflated;

    private void series(ByteBuffer in) {
        int n = ByteReader.count(in, in.remaining());
        for (int i = 0; i < n; i++) {
            int id = ByteReader.count(in, Integer.MAX_VALUE);
            Labels labels = LabelsCodec.read(in);
            head.replaySeries(id, labels);
        }
    }

    private void samples(ByteBuffer in) {
        int n = ByteReader.count(in, in.remaining());
        long base = ByteReader.int64(in);
        for (int i = 0; i < n; i++) {
            int id = ByteReader.count(in, Integer.MAX_VALUE);
            long t = base + ByteReader.varint(in);
            double v = Double.longBitsToDouble(ByteReader.int64(in));
            if (!head.replaySample(id, t, v)) {
                orphans++;
            }
            segmentMaxTime = Math.max(segmentMaxTime, t);
        }
        samples += n;
    }

    private void metadata(ByteBuffer in) {
        int n = ByteReader.count(in, in.remaining());
        for (int i = 0; i < n; i++) {
            String family = ByteReader.string(in);
            head.replayMetadata(family, new MetricMetadata(ByteReader.string(in), ByteReader.string(in), ByteReader.string(in)));
        }
    }
}
