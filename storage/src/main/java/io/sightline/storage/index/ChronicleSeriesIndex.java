package io.sightline.storage.index;

import io.sightline.storage.StorageException;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The persistent series registry in {@code index/}: a Chronicle Map from a fixed 16-byte hash of the
 * canonical label bytes ({@link SeriesKeyHash}) to series id ({@code series.cm}), and the append-only
 * {@link LabelsFile} from id back to labels ({@code labels}). A map hit is verified against the labels
 * file; a hash collision moves the newer series to the next salt of the hash (open addressing over salts,
 * which works because entries are never removed, except the one a failed registration just inserted, under
 * the same lock). Thread-safe: {@link #getOrCreate} takes one lock and
 * costs one map operation for a new series (and for a known one); {@link #labels} takes none.
 *
 * <p>Sizing: the map starts at {@code maxSeries / 16} entries (at least {@link #MIN_INITIAL_ENTRIES})
 * and grows by Chronicle segment tiers up to twice {@code maxSeries}, so an empty store is a few MB
 * instead of a file preallocated for every allowed series (494 MB for 2M series with label-byte keys;
 * Chronicle writes all of it at creation).
 *
 * <p>Crash order: a new series is put into the map first (insert-if-absent, so a new series costs one map
 * operation, not a look-up and an insert) and appended to the labels file second. A crash in between
 * leaves a map entry whose id has no labels record: harmless, since every hit is checked against the
 * labels file, so that key then behaves like a collision and the labels go to the next salt, and the
 * next series registered takes the id. Labels files written by earlier builds (labels first, map
 * second) may instead lack a map entry for their newest records, which {@link #open} puts back. With
 * an OS crash (not a process kill) the map's pages may reach disk without the labels file's or the
 * other way round; both leave states of these two kinds.
 */
public final class ChronicleSeriesIndex implements SeriesIndex {
    static final String MAP_FILE = "series.cm";
    static final String LABELS_FILE = "labels";
    /** Present only while the registry is closed cleanly; its absence at open triggers a recovery. */
    static final String CLEAN_MARKER = "clean";
    /** How many of the newest records are checked against the map at open. */
    private static final int RECONCILE_TAIL = 16;
    /** Initial map entries are maxSeries divided by this; more tiers per segment cost lookup time. */
    private static final int GROWTH_FACTOR = 16;
    static final long MIN_INITIAL_ENTRIES = 1 << 16;
    /** Salts tried before giving up; SHA-256 makes even a second salt practically unreachable. */
    private static final int MAX_SALTS = 64;
    /** New series registered per lock hold and labels-file write, at most: bounds the hold and the write buffer. */
    static final int MAX_BATCH = 1024;

    private static final Logger log = LoggerFactory.getLogger(ChronicleSeriesIndex.class);

    private final Path dir;
    private final TaggedAllocator allocator;
    private final ChronicleMap<byte[], Integer> map;
    private final LabelsFile labelsFile;
    private final SeriesKeyHash keyHash;
    private final long maxSeries;
    private final Object createLock = new Object();
    /**
     * Under {@link #createLock}: the map keys of a batch's new series, {@link SeriesKeyHash#BYTES} each in
     * id order, to take them back if the batch fails (an array per key was 32 B per new series).
     */
    private final byte[] newKeys = new byte[MAX_BATCH * SeriesKeyHash.BYTES];
    /** Per thread: a batch's salt-0 keys, computed before the lock, {@link SeriesKeyHash#BYTES} each. */
    private static final ThreadLocal<byte[]> FIRST_KEYS =
            ThreadLocal.withInitial(() -> new byte[MAX_BATCH * SeriesKeyHash.BYTES]);
    /**
     * Under {@link #createLock}: the key of the map query under way, wrapped once. {@code map.queryContext(byte[])}
     * and {@code map.get(byte[])} wrap the key array in a new BytesStore (and its reference-count object) per call.
     */
    private final byte[] queryKey = new byte[SeriesKeyHash.BYTES];
    private final BytesStore<?, byte[]> queryKeyStore = BytesStore.wrap(queryKey);

    private ChronicleSeriesIndex(Path dir, TaggedAllocator allocator, ChronicleMap<byte[], Integer> map,
                                 LabelsFile labelsFile, SeriesKeyHash keyHash, long maxSeries) {
        this.dir = dir;
        this.allocator = allocator;
        this.map = map;
        this.labelsFile = labelsFile;
        this.keyHash = keyHash;
        this.maxSeries = maxSeries;
    }

    /** The append-only labels file (id to labels); the map can be rebuilt from it alone. */
    public Path labelsFile() {
        return dir.resolve(LABELS_FILE);
    }

    /** Opens or creates the registry in {@code dir}, able to hold {@code maxSeries} series. */
    public static ChronicleSeriesIndex open(Path dir, long maxSeries, TaggedAllocator allocator) {
        return open(dir, maxSeries, allocator, SeriesKeyHash.SHA_256);
    }

    static ChronicleSeriesIndex open(Path dir, long maxSeries, TaggedAllocator allocator, SeriesKeyHash keyHash) {
        Path mapFile = dir.resolve(MAP_FILE);
        Path labelsPath = dir.resolve(LABELS_FILE);
        ChronicleMap<byte[], Integer> map;
        boolean isFreshMap;
        try {
            allocator.files().createDirectories(dir);
            LabelsFile.checkHeader(labelsPath, allocator);
            boolean hasLabels = allocator.files().exists(labelsPath) && allocator.files().size(labelsPath) > 0;
            if (!hasLabels && allocator.files().exists(mapFile)) {
                // Its ids would point at labels that are gone; start both over.
                log.warn("series registry has a map but no labels file, discarding the map [file={}]", mapFile);
                allocator.files().deleteRecursively(mapFile);
            }
            isFreshMap = !allocator.files().exists(mapFile);
            var builder = mapBuilder(maxSeries);
            Path cleanMarker = dir.resolve(CLEAN_MARKER);
            if (!isFreshMap && !allocator.files().exists(cleanMarker)) {
                // Not closed cleanly (crash or kill): let Chronicle check and repair every segment.
                log.info("series registry was not closed cleanly, recovering [file={}]", mapFile);
                map = builder.recoverPersistedTo(mapFile.toFile(), true,
                        c -> log.warn("series registry corruption repaired [file={}, detail={}]", mapFile, c.message()));
            } else {
                map = builder.createPersistedTo(mapFile.toFile());
            }
            allocator.files().deleteRecursively(cleanMarker);
        } catch (IOException | RuntimeException e) {
            if (e instanceof StorageException se) {
                throw se;
            }
            throw new StorageException("cannot open series registry " + mapFile + ": " + e.getMessage(), e);
        }
        ChronicleSeriesIndex index;
        try {
            index = new ChronicleSeriesIndex(dir, allocator, map, LabelsFile.open(labelsPath, allocator), keyHash, maxSeries);
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
        try {
            synchronized (index.createLock) { // its lookups use the lock's key buffer
                index.reconcile(isFreshMap);
            }
        } catch (RuntimeException e) {
            // No clean marker, and a half-rebuilt map is dropped, so the next open repeats the repair.
            index.labelsFile.close();
            map.close();
            if (isFreshMap) {
                try {
                    allocator.files().deleteRecursively(mapFile);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        return index;
    }

    static ChronicleMapBuilder<byte[], Integer> mapBuilder(long maxSeries) {
        long initialEntries = Math.min(maxSeries, Math.max(MIN_INITIAL_ENTRIES, maxSeries / GROWTH_FACTOR));
        // Twice maxSeries: segments fill unevenly, and a map that cannot add a tier fails the put.
        double maxBloat = Math.min(1000, Math.max(1, Math.ceil(2.0 * maxSeries / initialEntries)));
        return ChronicleMap.of(byte[].class, Integer.class)
                .name("sightline-series")
                .constantKeySizeBySample(new byte[SeriesKeyHash.BYTES])
                .entries(initialEntries)
                .maxBloatFactor(maxBloat)
                // Sightline closes the registry in its own ordered shutdown; Chronicle's exit hook would close it
                // first, under writers (span metrics' last flush) that still run.
                .skipCloseOnExitHook(true);
    }

    /** Puts back what the labels file has and the map lacks: all of it when the map file was lost. */
    private void reconcile(boolean isFreshMap) {
        int count = labelsFile.count();
        int from = isFreshMap ? 1 : Math.max(1, count - RECONCILE_TAIL + 1);
        if (isFreshMap && count > 0) {
            log.info("series registry: rebuilding the map from the labels file [series={}]", count);
        }
        for (int id = from; id <= count; id++) {
            byte[] canonical = labelsFile.canonicalLabels(id);
            int found = find(canonical);
            if (found < 0) {
                if (!isFreshMap) {
                    log.info("series registry: restoring id left out by an interrupted registration [id={}]", id);
                }
                map.put(keyHash.key(canonical, -found - 1), id);
            }
        }
    }

    @Override
    public int getOrCreate(Labels labels) {
        int[] id = new int[1];
        getOrCreateAll(new Labels[]{labels}, 0, 1, id);
        return id[0];
    }

    /**
     * Registers up to {@link #MAX_BATCH} series per lock hold: the canonical bytes and salt-0 keys are computed
     * before the lock; under it, one map operation per series, then one labels-file write of all the new records
     * of that part (map entries first, records second, as in {@link #getOrCreate}). All or nothing per part:
     * when an insert or the write fails, the part's new map entries are taken back and none of its series is
     * recorded (parts before it stay registered, as with a loop of {@code getOrCreate}).
     */
    @Override
    public void getOrCreateAll(Labels[] labels, int from, int to, int[] ids) {
        for (int start = from; start < to; start += MAX_BATCH) {
            registerBatch(labels, start, Math.min(to, start + MAX_BATCH), ids);
        }
    }

    private void registerBatch(Labels[] labels, int from, int to, int[] ids) {
        int n = to - from;
        byte[][] canonical = new byte[n][];
        byte[] firstKeys = FIRST_KEYS.get();
        for (int k = 0; k < n; k++) {
            if (labels[from + k] != null) {
                canonical[k] = LabelsCodec.toBytes(labels[from + k]);
                firstKey(canonical[k], firstKeys, k * SeriesKeyHash.BYTES);
            }
        }
        // The batch's new series, in id order: canonical bytes and map key.
        byte[][] newCanonical = new byte[n][];
        synchronized (createLock) {
            int recorded = labelsFile.count();
            int pending = 0;
            try {
                for (int k = 0; k < n; k++) {
                    if (canonical[k] == null) {
                        continue;
                    }
                    if (recorded + pending >= maxSeries) {
                        int found = find(canonical[k], firstKeys, k * SeriesKeyHash.BYTES, recorded, newCanonical, pending);
                        ids[from + k] = found > 0 ? found : FULL;
                        continue;
                    }
                    int id = register(canonical[k], firstKeys, k * SeriesKeyHash.BYTES, recorded, newCanonical, pending);
                    if (id > recorded + pending) {
                        newCanonical[pending] = canonical[k];
                        pending++;
                    }
                    ids[from + k] = id;
                }
                if (pending > 0) {
                    int first = labelsFile.appendAll(newCanonical, pending);
                    if (first != recorded + 1) {
                        throw new IllegalStateException("BUG: labels file gave id " + first + " for map entry " + (recorded + 1));
                    }
                }
            } catch (RuntimeException e) {
                takeBack(pending, recorded, e);
                throw e;
            }
        }
    }

    /**
     * The id of {@code canonical}: found in the map, or inserted as the next id {@code recorded + pending + 1}
     * (a new series, its key left in {@link #newKeys} at {@code pending}; the caller records it). One map operation per salt:
     * insert the next id unless the key is taken (by these labels, by another label set whose key collides, or
     * by a registration a crash cut short; see the class comment).
     */
    private int register(byte[] canonical, byte[] firstKeys, int firstAt, int recorded, byte[][] newCanonical, int pending) {
        int next = recorded + pending + 1;
        for (int salt = 0; salt < MAX_SALTS; salt++) {
            byte[] key = salt == 0 ? firstKeys : key(canonical, salt, next);
            int at = salt == 0 ? firstAt : 0;
            Integer taken;
            try {
                taken = insertIfAbsent(key, at, next);
            } catch (RuntimeException e) {
                // E.g. Chronicle cannot fallocate a new tier on a full disk; the caller takes the batch back.
                throw mapFailure(next, e);
            }
            if (taken == null) {
                System.arraycopy(key, at, newKeys, pending * SeriesKeyHash.BYTES, SeriesKeyHash.BYTES);
                return next;
            }
            if (isRecordOf(taken, canonical, recorded, newCanonical, pending)) {
                return taken;
            }
            log.debug("series registry: key collision [salt={}, id={}]", salt, taken);
        }
        throw tooManyCollisions();
    }

    /** Whether {@code id} is the series {@code canonical}: a record in the file or one of this batch's. */
    private boolean isRecordOf(int id, byte[] canonical, int recorded, byte[][] newCanonical, int pending) {
        if (id > recorded) {
            // A record of this batch, or an id a crash left in the map without a record (no series yet).
            return id <= recorded + pending && Arrays.equals(newCanonical[id - recorded - 1], canonical);
        }
        return labelsFile.hasLabels(id, canonical);
    }

    /** Removes the map entries of a failed batch's new series (ids {@code recorded + 1..}); nothing was recorded. */
    private void takeBack(int pending, int recorded, RuntimeException failure) {
        for (int k = 0; k < pending; k++) {
            try {
                byte[] key = Arrays.copyOfRange(newKeys, k * SeriesKeyHash.BYTES, (k + 1) * SeriesKeyHash.BYTES);
                map.remove(key, recorded + 1 + k);
            } catch (RuntimeException suppressed) {
                // A leftover entry is harmless: its id has no labels record, so a hit fails the label check.
                failure.addSuppressed(suppressed);
            }
        }
    }

    /** The salt-0 key of {@code canonical} into {@code out} at {@code at}; a failure is the map's. */
    private void firstKey(byte[] canonical, byte[] out, int at) {
        try {
            keyHash.key(canonical, 0, out, at);
        } catch (RuntimeException e) {
            throw mapFailure(-1, e);
        }
    }

    /** The key of {@code canonical} under {@code salt}; a failure is the map's ({@code id}: the series it was for). */
    private byte[] key(byte[] canonical, int salt, int id) {
        try {
            return keyHash.key(canonical, salt);
        } catch (RuntimeException e) {
            throw mapFailure(id, e);
        }
    }

    private StorageException mapFailure(int id, RuntimeException e) {
        if (e instanceof StorageException se) {
            return se;
        }
        return new StorageException("cannot add series " + (id > 0 ? id + " " : "") + "to the series registry map "
                + dir.resolve(MAP_FILE) + " (is the disk full?): " + e.getMessage(), e);
    }

    /**
     * Puts {@code key -> id} unless the key is taken; returns the id it has then, or {@code null} when inserted.
     * One search under the segment's update lock: {@code ChronicleMap.putIfAbsent} searches a missing key twice
     * (under the read lock, then again under the update lock), and in a profile of series creation at 100k
     * series the map was half of the registry's CPU.
     */
    private Integer insertIfAbsent(byte[] key, int at, int id) {
        try (ExternalMapQueryContext<byte[], Integer, ?> c = query(key, at)) {
            c.updateLock().lock();
            MapEntry<byte[], Integer> entry = c.entry();
            if (entry != null) {
                return entry.value().get();
            }
            c.insert(c.absentEntry(), c.wrapValueAsData(id));
            return null;
        }
    }

    /** The id {@code key} maps to, or {@code null}; as {@code map.get} (under {@link #createLock}). */
    private Integer get(byte[] key, int at) {
        try (ExternalMapQueryContext<byte[], Integer, ?> c = query(key, at)) {
            MapEntry<byte[], Integer> entry = c.entry();
            return entry == null ? null : entry.value().get();
        }
    }

    /** A query of the key at {@code key[at..]} through {@link #queryKeyStore} (under {@link #createLock}). */
    private ExternalMapQueryContext<byte[], Integer, ?> query(byte[] key, int at) {
        if (at < 0 || key.length - at < SeriesKeyHash.BYTES) {
            throw new IllegalStateException("BUG: series key of " + key.length + " bytes at " + at + ", not " + SeriesKeyHash.BYTES);
        }
        System.arraycopy(key, at, queryKey, 0, SeriesKeyHash.BYTES);
        return map.queryContext(queryKeyStore, 0, SeriesKeyHash.BYTES);
    }

    /**
     * The id of these canonical labels, or {@code -(salt + 1)} for the first salt whose key is free,
     * where they belong when registered.
     */
    private int find(byte[] canonical) {
        return find(canonical, keyHash.key(canonical, 0), 0, labelsFile.count(), null, 0);
    }

    /** As {@link #find(byte[])}, also seeing the {@code pending} new records of a batch being registered. */
    private int find(byte[] canonical, byte[] firstKeys, int firstAt, int recorded, byte[][] newCanonical, int pending) {
        for (int salt = 0; salt < MAX_SALTS; salt++) {
            Integer id = salt == 0 ? get(firstKeys, firstAt) : get(keyHash.key(canonical, salt), 0);
            if (id == null) {
                return -(salt + 1);
            }
            if (isRecordOf(id, canonical, recorded, newCanonical, pending)) {
                return id;
            }
            log.debug("series registry: key collision [salt={}, id={}]", salt, id);
        }
        throw tooManyCollisions();
    }

    private StorageException tooManyCollisions() {
        return new StorageException("series registry: " + MAX_SALTS + " colliding keys for one label set in "
                + dir + "; the hash function is broken");
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
