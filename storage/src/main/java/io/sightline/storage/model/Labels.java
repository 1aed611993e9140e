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
 */
public final class Labels implements Comparable<Labels> {
    public static final String METRIC_NAME = "__name__";
    public static final Labels EMPTY = new Labels(new String[0]);

    /** name0, value0, name1, value1, ... sorted by name. */
    private final String[] pairs;
    private int hash;

    private Labels(String[] pairs) {
        this.pairs = pairs;
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
        for (int i = 0; i < pairs.length; i += 2) {
            b.set(pairs[i], pairs[i + 1]);
        }
        return b;
    }

    public int size() {
        return pairs.length >> 1;
    }

    public boolean isEmpty() {
        return pairs.length == 0;
    }

    public String name(int i) {
        return pairs[i << 1];
    }

    public String value(int i) {
        return pairs[(i << 1) + 1];
    }

    /** The value of {@code name}, or {@code null} when absent. */
    public String get(String name) {
        int lo = 0;
        int hi = size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = pairs[mid << 1].compareTo(name);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return pairs[(mid << 1) + 1];
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
     * a reader sees either instance, both immutable and equal.
     *
     * @throws IllegalArgumentException when a string differs from the one it would replace
     */
    public void shareStrings(String[] equalPairs) {
        if (equalPairs.length != pairs.length) {
            throw new IllegalArgumentException("expected " + pairs.length + " strings, got " + equalPairs.length);
        }
        for (int i = 0; i < pairs.length; i++) {
            if (!pairs[i].equals(equalPairs[i])) {
                throw new IllegalArgumentException("string " + i + " differs: '" + equalPairs[i] + "' instead of '" + pairs[i] + "'");
            }
        }
        System.arraycopy(equalPairs, 0, pairs, 0, pairs.length);
    }

    public Labels withoutMetricName() {
        return has(METRIC_NAME) ? toBuilder().remove(METRIC_NAME).build() : this;
    }

    public Map<String, String> toMap() {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Labels other && Arrays.equals(pairs, other.pairs));
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(pairs);
            hash = h;
        }
        return h;
    }

    /** Prometheus order: label by label, name then value; a prefix sorts first. */
    @Override
    public int compareTo(Labels o) {
        int n = Math.min(pairs.length, o.pairs.length);
        for (int i = 0; i < n; i++) {
            int c = pairs[i].compareTo(o.pairs[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(pairs.length, o.pairs.length);
    }

    /** Prometheus text form: {@code {__name__="up", job="api"}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(pairs[i]).append("=\"");
            String v = pairs[i + 1];
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
            String[] pairs = new String[size << 1];
            for (int i = 0; i < size; i++) {
                pairs[i << 1] = names[i];
                pairs[(i << 1) + 1] = values[i];
            }
            return new Labels(pairs);
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
