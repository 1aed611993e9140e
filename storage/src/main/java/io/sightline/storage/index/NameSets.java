package io.sightline.storage.index;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One array per distinct sequence of label names, for the head's labels to share ({@code Labels#withStrings}):
 * series of one metric mostly have the same names, so a shared array leaves 4 B per label per series. Not
 * thread-safe: {@link MemPostings} calls it under its write lock.
 *
 * <p>Sets are never forgotten (a series removal would have to count their users); they are bounded by
 * {@link #MAX_SETS} instead, past which new name sequences get arrays of their own. A few hundred distinct name
 * sequences is typical (one or a few per metric).
 */
final class NameSets {
    static final int MAX_SETS = 1 << 16;

    private final Map<List<String>, String[]> sets = new HashMap<>();
    /** A view of the caller's buffer for lookups, so that a known sequence allocates nothing. */
    private final Probe probe = new Probe();

    /** The shared array equal to {@code names[0, n)} (a new one when this sequence is new). */
    String[] share(String[] names, int n) {
        probe.names = names;
        probe.size = n;
        String[] shared = sets.get(probe);
        probe.names = null;
        if (shared == null) {
            shared = Arrays.copyOf(names, n);
            if (sets.size() < MAX_SETS) {
                sets.put(List.of(shared), shared);
            }
        }
        return shared;
    }

    int size() {
        return sets.size();
    }

    /** {@code names[0, size)} as a list (equal to, and hashed as, the {@code List.of} keys). */
    private static final class Probe extends AbstractList<String> {
        String[] names;
        int size;

        @Override
        public String get(int index) {
            return names[index];
        }

        @Override
        public int size() {
            return size;
        }
    }
}
