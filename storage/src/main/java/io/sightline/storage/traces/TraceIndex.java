package io.sightline.storage.traces;

import io.sightline.storage.StorageException;
import io.sightline.storage.io.FileFacade;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The persisted trace-id index ({@code trace-index.cm}): a Chronicle Map from a 16-byte trace id to the numbers
 * of the segments holding its spans ({@code u32} each, little-endian, ascending). The all-zero id, which no
 * span may carry, holds the number of the newest segment fully indexed: segments after it are indexed again
 * at open, so a crash between a cut and its index update loses nothing. Thread-safe (Chronicle Map is);
 * updates come from the engine's cut and retention, which are serialised.
 */
final class TraceIndex implements AutoCloseable {
    static final String FILE = "trace-index.cm";
    /** Present only while the index is closed cleanly; its absence at open makes Chronicle recover the file. */
    static final String CLEAN_MARKER = "trace-index.clean";
    private static final byte[] WATERMARK_KEY = new byte[Ids.TRACE_BYTES];
    private static final Logger log = LoggerFactory.getLogger(TraceIndex.class);

    private final ChronicleMap<byte[], byte[]> map;
    private final Path dir;
    private final FileFacade files;

    private TraceIndex(ChronicleMap<byte[], byte[]> map, Path dir, FileFacade files) {
        this.map = map;
        this.dir = dir;
        this.files = files;
    }

    /**
     * Opens or creates the index in {@code dir}, sized for about {@code expectedTraces} traces (it grows up to
     * a thousand times that).
     */
    static TraceIndex open(Path dir, long expectedTraces, FileFacade files) {
        Path file = dir.resolve(FILE);
        Path marker = dir.resolve(CLEAN_MARKER);
        ChronicleMapBuilder<byte[], byte[]> builder = ChronicleMap.of(byte[].class, byte[].class)
                .name("sightline-trace-index")
                .constantKeySizeBySample(new byte[Ids.TRACE_BYTES])
                .averageValueSize(8)
                .entries(Math.max(1 << 14, expectedTraces))
                .maxBloatFactor(1000);
        try {
            files.createDirectories(dir);
            boolean isFresh = !files.exists(file);
            ChronicleMap<byte[], byte[]> map;
            if (!isFresh && !files.exists(marker)) {
                log.info("trace-id index was not closed cleanly, recovering [file={}]", file);
                map = builder.recoverPersistedTo(file.toFile(), true,
                        c -> log.warn("trace-id index corruption repaired [file={}, detail={}]", file, c.message()));
            } else {
                map = builder.createPersistedTo(file.toFile());
            }
            files.deleteRecursively(marker);
            return new TraceIndex(map, dir, files);
        } catch (IOException | RuntimeException e) {
            throw new StorageException("cannot open the trace-id index " + file + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the index file so that the next open rebuilds it from the segments. */
    static void discard(Path dir, FileFacade files) {
        try {
            files.deleteRecursively(dir.resolve(FILE));
            files.deleteRecursively(dir.resolve(CLEAN_MARKER));
        } catch (IOException e) {
            throw new StorageException("cannot delete the trace-id index " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** The newest segment number fully indexed, 0 when none. */
    int watermark() {
        byte[] v = map.get(WATERMARK_KEY);
        return v == null || v.length != 4 ? 0 : ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    void setWatermark(int segment) {
        map.put(WATERMARK_KEY, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(segment).array());
    }

    /** Records that segment {@code segment} holds spans of {@code traceId} (idempotent). */
    void add(byte[] traceId, int segment) {
        byte[] v = map.get(traceId);
        if (v == null) {
            map.put(traceId, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(segment).array());
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i += 4) {
            if (b.getInt(i) == segment) {
                return;
            }
        }
        byte[] grown = Arrays.copyOf(v, v.length + 4);
        ByteBuffer.wrap(grown).order(ByteOrder.LITTLE_ENDIAN).putInt(v.length, segment);
        map.put(traceId, grown);
    }

    /** Forgets segment {@code segment} for {@code traceId}; drops the entry when no segment is left. */
    void remove(byte[] traceId, int segment) {
        byte[] v = map.get(traceId);
        if (v == null) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer kept = ByteBuffer.allocate(v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i += 4) {
            if (b.getInt(i) != segment) {
                kept.putInt(b.getInt(i));
            }
        }
        if (kept.position() == 0) {
            map.remove(traceId);
        } else if (kept.position() < v.length) {
            map.put(traceId, Arrays.copyOf(kept.array(), kept.position()));
        }
    }

    /** The segments holding spans of {@code traceId}; empty when none. */
    int[] segments(byte[] traceId) {
        byte[] v = map.get(traceId);
        if (v == null) {
            return new int[0];
        }
        int[] out = new int[v.length / 4];
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt(i * 4);
        }
        return out;
    }

    @Override
    public void close() {
        map.close();
        try {
            files.createDirectories(dir);
            files.open(dir.resolve(CLEAN_MARKER), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE).close();
        } catch (IOException e) {
            log.warn("cannot write the trace-id index clean marker [dir={}, error={}]", dir, e.getMessage());
        }
    }
}
