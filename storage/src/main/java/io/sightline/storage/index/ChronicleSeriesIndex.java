package io.sightline.storage.index;

import io.sightline.storage.StorageException;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import net.openhft.chronicle.map.ChronicleMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The persistent series registry in {@code index/}: a Chronicle Map from canonical label bytes to series
 * id ({@code series.cm}), and the append-only {@link LabelsFile} from id back to labels ({@code labels}).
 * Thread-safe: lookups are lock-free, registrations take one lock.
 *
 * <p>Crash order: a new series is appended to the labels file first and put into the map second, so a
 * crash in between leaves an id the map lacks, which {@link #open} puts back. With an OS crash (not a
 * process kill) the map's pages may reach disk without the labels file's; that case is not repaired.
 */
public final class ChronicleSeriesIndex implements SeriesIndex {
    static final String MAP_FILE = "series.cm";
    static final String LABELS_FILE = "labels";
    /** Present only while the registry is closed cleanly; its absence at open triggers a recovery. */
    static final String CLEAN_MARKER = "clean";
    /** Average canonical label bytes assumed when sizing the map; Chronicle handles larger keys too. */
    private static final double AVERAGE_KEY_BYTES = 192;
    /** How many of the newest records are checked against the map at open. */
    private static final int RECONCILE_TAIL = 16;

    private static final Logger log = LoggerFactory.getLogger(ChronicleSeriesIndex.class);

    private final Path dir;
    private final TaggedAllocator allocator;
    private final ChronicleMap<byte[], Integer> map;
    private final LabelsFile labelsFile;
    private final long maxSeries;
    private final Object createLock = new Object();

    private ChronicleSeriesIndex(Path dir, TaggedAllocator allocator, ChronicleMap<byte[], Integer> map,
                                 LabelsFile labelsFile, long maxSeries) {
        this.dir = dir;
        this.allocator = allocator;
        this.map = map;
        this.labelsFile = labelsFile;
        this.maxSeries = maxSeries;
    }

    /** Opens or creates the registry in {@code dir}, sized for {@code maxSeries} series. */
    public static ChronicleSeriesIndex open(Path dir, long maxSeries, TaggedAllocator allocator) {
        Path mapFile = dir.resolve(MAP_FILE);
        ChronicleMap<byte[], Integer> opened;
        boolean isFreshMap = !allocator.files().exists(mapFile);
        try {
            allocator.files().createDirectories(dir);
            var builder = ChronicleMap.of(byte[].class, Integer.class)
                    .name("sightline-series")
                    .entries(maxSeries)
                    .averageKeySize(AVERAGE_KEY_BYTES);
            Path cleanMarker = dir.resolve(CLEAN_MARKER);
            if (allocator.files().exists(mapFile) && !allocator.files().exists(cleanMarker)) {
                // Not closed cleanly (crash or kill): let Chronicle check and repair every segment.
                log.info("series registry was not closed cleanly, recovering [file={}]", mapFile);
                opened = builder.recoverPersistedTo(mapFile.toFile(), true,
                        c -> log.warn("series registry corruption repaired [file={}, detail={}]", mapFile, c.message()));
            } else {
                opened = builder.createPersistedTo(mapFile.toFile());
            }
            allocator.files().deleteRecursively(cleanMarker);
        } catch (IOException | RuntimeException e) {
            throw new StorageException("cannot open series registry " + mapFile + ": " + e.getMessage(), e);
        }
        ChronicleMap<byte[], Integer> map = opened;
        byte[][] tailKeys = new byte[RECONCILE_TAIL][];
        int[] tailIds = new int[RECONCILE_TAIL];
        LabelsFile labels;
        try {
            labels = LabelsFile.open(dir.resolve(LABELS_FILE), allocator, (id, key) -> {
                if (isFreshMap) {
                    map.put(key, id); // the map file was lost: rebuild it from the labels file
                } else {
                    tailKeys[id % RECONCILE_TAIL] = key;
                    tailIds[id % RECONCILE_TAIL] = id;
                }
            });
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
        for (int i = 0; i < RECONCILE_TAIL; i++) {
            if (tailKeys[i] != null && map.get(tailKeys[i]) == null) {
                log.info("series registry: restoring id left out by an interrupted registration [id={}]", tailIds[i]);
                map.put(tailKeys[i], tailIds[i]);
            }
        }
        return new ChronicleSeriesIndex(dir, allocator, map, labels, maxSeries);
    }

    @Override
    public int getOrCreate(Labels labels) {
        byte[] key = LabelsCodec.toBytes(labels);
        Integer id = map.get(key);
        if (id != null) {
            return id;
        }
        synchronized (createLock) {
            id = map.get(key);
            if (id != null) {
                return id;
            }
            if (labelsFile.count() >= maxSeries) {
                return FULL;
            }
            int created = labelsFile.append(key);
            map.put(key, created);
            return created;
        }
    }

    @Override
    public Labels labels(int id) {
        return labelsFile.labels(id);
    }

    @Override
    public int size() {
        return labelsFile.count();
    }

    @Override
    public void close() {
        synchronized (createLock) {
            if (map.isClosed()) {
                return;
            }
            labelsFile.force();
            labelsFile.close();
            map.close();
            try {
                allocator.files().open(dir.resolve(CLEAN_MARKER), java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE).close();
            } catch (IOException e) {
                log.warn("cannot write the clean-shutdown marker; the next open recovers the registry [dir={}]", dir, e);
            }
        }
    }
}
