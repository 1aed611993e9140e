package io.sightline.storage.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable list of typed OpenTelemetry attributes, in the order they arrived; keys unique (a later
 * duplicate replaces the earlier value). Values keep their OTLP type so queries compare numbers as numbers
 * and the Tempo API returns them as sent. Arrays and key-value lists are held as their OTLP JSON
 * {@code AnyValue} text, bytes as base64.
 *
 * <p>Thread-safe. Equality and hash are by content (keys, types and values, in order).
 */
public final class Attributes {
    /** Value types, as OTLP's {@code AnyValue} cases. */
    public enum Type { STRING, BOOL, INT, DOUBLE, BYTES, ARRAY, KVLIST }

    private static final Type[] TYPES = Type.values();
    public static final Attributes EMPTY = new Attributes(new String[0], new byte[0], new long[0], new String[0]);

    private final String[] keys;
    private final byte[] types;
    /** INT value, DOUBLE raw bits, BOOL 1/0; 0 for text types. */
    private final long[] bits;
    /** STRING value, BYTES base64, ARRAY/KVLIST OTLP JSON; null for number and bool types. */
    private final String[] texts;
    private int hash;

    private Attributes(String[] keys, byte[] types, long[] bits, String[] texts) {
        this.keys = keys;
        this.types = types;
        this.bits = bits;
        this.texts = texts;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** String attributes from alternating key, value arguments. */
    public static Attributes ofStrings(String... keyValues) {
        if ((keyValues.length & 1) != 0) {
            throw new IllegalArgumentException("attributes need key/value pairs, got " + keyValues.length + " strings");
        }
        Builder b = builder();
        for (int i = 0; i < keyValues.length; i += 2) {
            b.putString(keyValues[i], keyValues[i + 1]);
        }
        return b.build();
    }

    public int size() {
        return keys.length;
    }

    public boolean isEmpty() {
        return keys.length == 0;
    }

    public String key(int i) {
        return keys[i];
    }

    public Type type(int i) {
        return TYPES[types[i]];
    }

    /** INT value; BOOL as 1/0. */
    public long longValue(int i) {
        return bits[i];
    }

    /** DOUBLE value; INT converted. */
    public double doubleValue(int i) {
        return types[i] == Type.DOUBLE.ordinal() ? Double.longBitsToDouble(bits[i]) : bits[i];
    }

    public boolean boolValue(int i) {
        return bits[i] != 0;
    }

    /** The raw text of STRING, BYTES, ARRAY and KVLIST values; {@code null} for the others. */
    public String text(int i) {
        return texts[i];
    }

    /**
     * The value as one string: text types as held, INT in decimal, DOUBLE as {@link Double#toString}, BOOL as
     * {@code true}/{@code false}. Equality terms ({@code SpanTerm}) compare this form.
     */
    public String stringValue(int i) {
        return switch (type(i)) {
            case INT -> Long.toString(bits[i]);
            case DOUBLE -> Double.toString(Double.longBitsToDouble(bits[i]));
            case BOOL -> bits[i] != 0 ? "true" : "false";
            default -> texts[i];
        };
    }

    /** Position of {@code key}, or -1. Linear: attribute lists are short. */
    public int indexOf(String key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** {@link #stringValue} of {@code key}, or {@code null} when absent. */
    public String get(String key) {
        int i = indexOf(key);
        return i < 0 ? null : stringValue(i);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Attributes a && Arrays.equals(keys, a.keys) && Arrays.equals(types, a.types)
                && Arrays.equals(bits, a.bits) && Arrays.equals(texts, a.texts);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 31 * (31 * Arrays.hashCode(keys) + Arrays.hashCode(bits)) + Arrays.hashCode(texts);
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < keys.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(keys[i]).append('=').append(stringValue(i));
        }
        return sb.append('}').toString();
    }

    /** Collects attributes; not thread-safe; reusable after {@link #build()} via {@link #clear()}. */
    public static final class Builder {
        private final List<String> keys = new ArrayList<>();
        private byte[] types = new byte[8];
        private long[] bits = new long[8];
        private final List<String> texts = new ArrayList<>();

        private Builder() {
        }

        public Builder putString(String key, String value) {
            return put(key, Type.STRING, 0, Objects.requireNonNull(value, "value"));
        }

        public Builder putLong(String key, long value) {
            return put(key, Type.INT, value, null);
        }

        public Builder putDouble(String key, double value) {
            return put(key, Type.DOUBLE, Double.doubleToRawLongBits(value), null);
        }

        public Builder putBool(String key, boolean value) {
            return put(key, Type.BOOL, value ? 1 : 0, null);
        }

        /** BYTES (base64), ARRAY or KVLIST (OTLP JSON AnyValue text). */
        public Builder putText(String key, Type type, String text) {
            if (type != Type.BYTES && type != Type.ARRAY && type != Type.KVLIST && type != Type.STRING) {
                throw new IllegalArgumentException("putText takes STRING, BYTES, ARRAY or KVLIST, got " + type);
            }
            return put(key, type, 0, Objects.requireNonNull(text, "text"));
        }

        public int size() {
            return keys.size();
        }

        public Builder clear() {
            keys.clear();
            texts.clear();
            return this;
        }

        private Builder put(String key, Type type, long bitValue, String text) {
            Objects.requireNonNull(key, "key");
            int i = keys.indexOf(key);
            if (i < 0) {
                i = keys.size();
                keys.add(key);
                texts.add(text);
                if (i == types.length) {
                    types = Arrays.copyOf(types, i * 2);
                    bits = Arrays.copyOf(bits, i * 2);
                }
            } else {
                texts.set(i, text);
            }
            types[i] = (byte) type.ordinal();
            bits[i] = bitValue;
            return this;
        }

        public Attributes build() {
            int n = keys.size();
            if (n == 0) {
                return EMPTY;
            }
            return new Attributes(keys.toArray(new String[0]), Arrays.copyOf(types, n), Arrays.copyOf(bits, n),
                    texts.toArray(new String[0]));
        }
    }
}
