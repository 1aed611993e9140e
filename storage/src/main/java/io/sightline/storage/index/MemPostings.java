package io.sightline.storage.index;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;
import org.roaringbitmap.buffer.MutableRoaringBitmap;

import java.util.ArrayList;
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

    /** Indexes a new series. */
    public void add(int seriesId, Labels labels) {
        lock.writeLock().lock();
        try {
            for (int i = 0; i < labels.size(); i++) {
                byName.computeIfAbsent(labels.name(i), n -> new TreeMap<>())
                        .computeIfAbsent(labels.value(i), v -> new MutableRoaringBitmap())
                        .add(seriesId);
            }
            all.add(seriesId);
        } finally {
            lock.writeLock().unlock();
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
