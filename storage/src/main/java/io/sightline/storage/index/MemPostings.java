package io.sightline.storage.index;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;
import org.roaringbitmap.buffer.MutableRoaringBitmap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The head's postings: a mutable bitmap of series ids per label name=value. Thread-safe: writers (series
 * creation and removal, rare next to samples) take the write lock; readers copy what they need under the
 * read lock, so a query never sees a bitmap change under its cursor.
 */
public final class MemPostings implements IndexReader {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, TreeMap<String, MutableRoaringBitmap>> byName = new HashMap<>();
    private final MutableRoaringBitmap all = new MutableRoaringBitmap();
    /** The label name instances used as keys of {@link #byName}, to share them. */
    private final Map<String, String> names = new HashMap<>();
    /** Under the write lock: {@link #add}'s arrays for {@link Labels#shareStrings}, by length (one per label count). */
    private final String[][] sharedBySize = new String[129][];

    /**
     * Indexes a new series, and makes {@code labels} share the name and value strings already indexed
     * (see {@link Labels#shareStrings}): the head then keeps one String per distinct name and value, not
     * one per series.
     */
    public void add(int seriesId, Labels labels) {
        lock.writeLock().lock();
        String[] shared = sharedBuffer(labels.size() << 1);
        try {
            for (int i = 0; i < labels.size(); i++) {
                String name = labels.name(i);
                String value = labels.value(i);
                TreeMap<String, MutableRoaringBitmap> values = byName.get(name);
                if (values == null) {
                    values = new TreeMap<>();
                    byName.put(name, values);
                    names.put(name, name);
                }
                // The bitmap carries the map's own key instance: one lookup, and no entry object per label
                // (ceilingEntry, used before, copies the entry it returns: ~24 B per label per new series).
                MutableRoaringBitmap found = values.get(value);
                ValuePostings b;
                if (found != null) {
                    b = (ValuePostings) found;
                } else {
                    b = new ValuePostings(value);
                    values.put(value, b);
                }
                b.add(seriesId);
                shared[i << 1] = names.get(name);
                shared[(i << 1) + 1] = b.value;
            }
            all.add(seriesId);
            labels.shareStrings(shared);
        } finally {
            Arrays.fill(shared, null); // pins no strings of removed series
            lock.writeLock().unlock();
        }
    }

    /** Under the write lock: a reused array of {@code length} strings, for {@link Labels#shareStrings}. */
    private String[] sharedBuffer(int length) {
        if (length >= sharedBySize.length) {
            return new String[length]; // past any label limit the edge sets; not kept
        }
        String[] b = sharedBySize[length];
        if (b == null) {
            b = new String[length];
            sharedBySize[length] = b;
        }
        return b;
    }

    /** The bitmap of one label value, holding the value's String instance that the head's labels share. */
    private static final class ValuePostings extends MutableRoaringBitmap {
        private final String value;

        ValuePostings(String value) {
            this.value = value;
        }
    }

    /** Forgets a series (it left the head); empty values and names disappear with it. */
    public void remove(int seriesId, Labels labels) {
        lock.writeLock().lock();
        try {
            for (int i = 0; i < labels.size(); i++) {
                TreeMap<String, MutableRoaringBitmap> values = byName.get(labels.name(i));
                if (values == null) {
                    continue;
                }
                MutableRoaringBitmap b = values.get(labels.value(i));
                if (b != null) {
                    b.remove(seriesId);
                    if (b.isEmpty()) {
                        values.remove(labels.value(i));
                        if (values.isEmpty()) {
                            byName.remove(labels.name(i));
                            names.remove(labels.name(i));
                        }
                    }
                }
            }
            all.remove(seriesId);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public List<String> labelNames() {
        lock.readLock().lock();
        try {
            List<String> names = new ArrayList<>(byName.keySet());
            names.sort(null);
            return names;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<String> labelValues(String name) {
        lock.readLock().lock();
        try {
            TreeMap<String, MutableRoaringBitmap> values = byName.get(name);
            return values == null ? List.of() : new ArrayList<>(values.keySet());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public ImmutableRoaringBitmap postingsMatching(String name, Matcher matcher, boolean negate) {
        lock.readLock().lock();
        try {
            TreeMap<String, MutableRoaringBitmap> values = byName.get(name);
            if (values == null) {
                return new MutableRoaringBitmap();
            }
            if (matcher.type() == Matcher.Type.EQ && !negate) {
                MutableRoaringBitmap b = values.get(matcher.value());
                return b == null ? new MutableRoaringBitmap() : b.clone();
            }
            MutableRoaringBitmap union = new MutableRoaringBitmap();
            for (Map.Entry<String, MutableRoaringBitmap> e : values.entrySet()) {
                if (matcher.matches(e.getKey()) != negate) {
                    union.or(e.getValue());
                }
            }
            return union;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public ImmutableRoaringBitmap allPostings() {
        lock.readLock().lock();
        try {
            return all.clone();
        } finally {
            lock.readLock().unlock();
        }
    }
}
