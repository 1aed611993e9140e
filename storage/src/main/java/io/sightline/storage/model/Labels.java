package io.sightline.storage.model;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable label set: names sorted ascending and unique, values non-empty. The metric name is the
 * label {@code __name__}, as in Prometheus.
 *
 * <p>Labels with empty values do not exist (Prometheus semantics): builders drop them. Instances are
 * thread-safe. Equality, hash and order are by content.
 *
 * <p>Names and values are two arrays, not one of pairs, so that label sets of the same names can share one names
 * array: a {@link Builder} reuses the names array of its previous build when the names are the same (a sender's
 * series of one metric mostly arrive one after another). The storage head keeps a series' labels for as long as it
 * is active, and a shared names array leaves ~4 B per label per series where the pairs array took 8 (at 100k
 * series of the benchmark's 3-6 labels, 54 B of pairs per series became a 33 B values array plus 8 B more of this
 * object; see benchmarks/RESULTS.md, session 8 heap per series). A names array is never written except by
 * {@link #shareStrings}, which puts equal strings into it.
 */
public final class Labels implements Comparable<Labels> {
    public static final String METRIC_NAME = "__name__";
    public static final Labels EMPTY = new Labels(new String[0], new String[0]);

    /** The names, sorted; possibly shared with other instances of the same names (never written). */
    private final String[] names;
    /** {@code values[i]} is the value of {@code names[i]}. */
    private final String[] values;
    private int hash;

    private Labels(String[] names, String[] values) {
        this.names = names;
        this.values = values;
    }

    /** Builds from alternating name, value arguments in any order; empty values are dropped, a later duplicate name wins. */
    public static Labels of(String... nameValues) {
        if ((nameValues.length & 1) != 0) {
            throw new IllegalArgumentException("labels need name/value pairs, got " + nameValues.length + " strings");
        }
        Builder b = builder();
        for (int i = 0; i < nameValues.length; i += 2) {
            b.set(nameValues[i], nameValues[i + 1]);
        }
        return b.build();
    }

    public static Labels fromMap(Map<String, String> map) {
        Builder b = builder();
        map.forEach(b::set);
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with these labels. */
    public Builder toBuilder() {
        Builder b = new Builder();
        for (int i = 0; i < names.length; i++) {
            b.set(names[i], values[i]);
        }
        return b;
    }

    public int size() {
        return names.length;
    }

    public boolean isEmpty() {
        return names.length == 0;
    }

    public String name(int i) {
        return names[i];
    }

    public String value(int i) {
        return values[i];
    }

    /** The value of {@code name}, or {@code null} when absent. */
    public String get(String name) {
        int lo = 0;
        int hi = size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = names[mid].compareTo(name);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return values[mid];
            }
        }
        return null;
    }

    public boolean has(String name) {
        return get(name) != null;
    }

    /** The metric name, or {@code null}. */
    public String metricName() {
        return get(METRIC_NAME);
    }

    /**
     * Makes these labels hold the given String instances, which must be equal to the names and values they
     * hold now ({@code name0, value0, name1, ...} in label order). Nothing observable changes (equality, hash,
     * order, the characters); only which objects hold the characters. The storage head passes the instances
     * its postings already keep, so that all series share one String per distinct name and value instead of
     * one copy per series (about 0.5 KB per series with typical label sets). Safe with concurrent readers:
     * a reader sees either instance, both immutable and equal (also of other label sets sharing the names array).
     *
     * @throws IllegalArgumentException when a string differs from the one it would replace
     */
    public void shareStrings(String[] equalPairs) {
        if (equalPairs.length != names.length << 1) {
            throw new IllegalArgumentException("expected " + (names.length << 1) + " strings, got " + equalPairs.length);
        }
        for (int i = 0; i < names.length; i++) {
            if (!names[i].equals(equalPairs[i << 1])) {
                throw new IllegalArgumentException("string " + (i << 1) + " differs: '" + equalPairs[i << 1]
                        + "' instead of '" + names[i] + "'");
            }
            if (!values[i].equals(equalPairs[(i << 1) + 1])) {
                throw new IllegalArgumentException("string " + ((i << 1) + 1) + " differs: '" + equalPairs[(i << 1) + 1]
                        + "' instead of '" + values[i] + "'");
            }
        }
        for (int i = 0; i < names.length; i++) {
            names[i] = equalPairs[i << 1];
            values[i] = equalPairs[(i << 1) + 1];
        }
    }

    public Labels withoutMetricName() {
        return has(METRIC_NAME) ? toBuilder().remove(METRIC_NAME).build() : this;
    }

    public Map<String, String> toMap() {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], values[i]);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Labels other && (names == other.names || Arrays.equals(names, other.names))
                && Arrays.equals(values, other.values));
    }

    /** As {@code Arrays.hashCode} of {@code name0, value0, name1, ...} (the pairs array this class held until session 8). */
    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 1;
            for (int i = 0; i < names.length; i++) {
                h = 31 * (31 * h + names[i].hashCode()) + values[i].hashCode();
            }
            hash = h;
        }
        return h;
    }

    /** Prometheus order: label by label, name then value; a prefix sorts first. */
    @Override
    public int compareTo(Labels o) {
        int n = Math.min(names.length, o.names.length);
        for (int i = 0; i < n; i++) {
            int c = names[i].compareTo(o.names[i]);
            if (c == 0) {
                c = values[i].compareTo(o.values[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(names.length, o.names.length);
    }

    /** Prometheus text form: {@code {__name__="up", job="api"}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names[i]).append("=\"");
            String v = values[i];
            for (int j = 0; j < v.length(); j++) {
                char c = v.charAt(j);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '"' -> sb.append("\\\"");
                    case '\n' -> sb.append("\\n");
                    default -> sb.append(c);
                }
            }
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    /**
     * Mutable, not thread-safe; reusable after {@link #reset()}. The labels are kept sorted in two arrays reused
     * from build to build (a {@code TreeMap} allocated an entry per label, ~100 B per new series of remote write
     * with the benchmark's 3-6 labels: see benchmarks/RESULTS.md, session 7 label cache).
     */
    public static final class Builder {
        private String[] names = new String[16];
        private String[] values = new String[16];
        private int size;
        /**
         * The names arrays of the last four builds of other names, given to a build of the same names (fields, not
         * an array: builders made for one label set allocate nothing more). Four, as a sender's series of one
         * target alternate between a few metrics' names (one kept array gave 1.15 names arrays per series at 100k
         * series of the benchmark; see benchmarks/RESULTS.md, session 8 heap per series).
         */
        private String[] recent0;
        private String[] recent1;
        private String[] recent2;
        private String[] recent3;

        private Builder() {
        }

        /** Sets a label; an empty or null value removes it. */
        public Builder set(String name, String value) {
            if (value == null || value.isEmpty()) {
                return remove(name);
            }
            int i = indexOf(name);
            if (i >= 0) {
                values[i] = value;
                return this;
            }
            i = -i - 1;
            if (size == names.length) {
                names = Arrays.copyOf(names, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            System.arraycopy(names, i, names, i + 1, size - i);
            System.arraycopy(values, i, values, i + 1, size - i);
            names[i] = name;
            values[i] = value;
            size++;
            return this;
        }

        public Builder remove(String name) {
            int i = indexOf(name);
            if (i >= 0) {
                System.arraycopy(names, i + 1, names, i, size - i - 1);
                System.arraycopy(values, i + 1, values, i, size - i - 1);
                size--;
                names[size] = null;
                values[size] = null;
            }
            return this;
        }

        public String get(String name) {
            int i = indexOf(name);
            return i >= 0 ? values[i] : null;
        }

        public Builder reset() {
            Arrays.fill(names, 0, size, null);
            Arrays.fill(values, 0, size, null);
            size = 0;
            return this;
        }

        public Labels build() {
            if (size == 0) {
                return EMPTY;
            }
            return new Labels(builtNames(), Arrays.copyOf(values, size));
        }

        /** A recent names array holding the same names, else a new one; either becomes the most recent. */
        private String[] builtNames() {
            if (isSameNames(recent0)) {
                return recent0;
            }
            String[] found;
            int at;
            if (isSameNames(recent1)) {
                found = recent1;
                at = 1;
            } else if (isSameNames(recent2)) {
                found = recent2;
                at = 2;
            } else {
                found = isSameNames(recent3) ? recent3 : Arrays.copyOf(names, size);
                at = 3; // a new array drops the least recent
            }
            if (at == 3) {
                recent3 = recent2;
            }
            if (at >= 2) {
                recent2 = recent1;
            }
            recent1 = recent0;
            recent0 = found;
            return found;
        }

        private boolean isSameNames(String[] candidate) {
            if (candidate == null || candidate.length != size) {
                return false;
            }
            for (int i = 0; i < size; i++) {
                if (!candidate[i].equals(names[i])) {
                    return false;
                }
            }
            return true;
        }

        /**
         * The index of {@code name}, or {@code -(insertion point) - 1}. Labels arrive mostly sorted, so the last
         * one is checked first (a new last label costs one comparison).
         */
        private int indexOf(String name) {
            if (size > 0) {
                int c = name.compareTo(names[size - 1]);
                if (c >= 0) {
                    return c == 0 ? size - 1 : -size - 1;
                }
            }
            return Arrays.binarySearch(names, 0, size, name);
        }
    }
}
