package io.sightline.storage.traces;

import io.sightline.storage.io.ByteSink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The strings of one segment while it is written: collected, then sorted by their UTF-8 bytes so ids follow
 * byte order (a reader finds a string by binary search in the mapped section). Not thread-safe.
 *
 * <p>A direct-mapped front table keyed by string identity sits before the hash map: ingest hands the store the
 * same {@code String} instance for a repeated name, key or value (the OTLP decoder's string cache), so most of the
 * cut's several lookups per span end at one array slot. The map lookups were ~25% of the cut's samples (JFR).
 */
final class DictionaryBuilder {
    private static final int FRONT_SLOTS = 1 << 12;

    private final Map<String, Integer> ids = new HashMap<>();
    /** Strings known to be in {@link #ids} (before freezing) or with their id (after), by identity. */
    private final String[] front = new String[FRONT_SLOTS];
    private final int[] frontIds = new int[FRONT_SLOTS];
    private boolean isFrozen;

    void add(String s) {
        if (isFrozen) {
            throw new IllegalStateException("dictionary already frozen");
        }
        int slot = slot(s);
        if (front[slot] != s) {
            ids.putIfAbsent(s, -1);
            front[slot] = s;
        }
    }

    private static int slot(String s) {
        return System.identityHashCode(s) & (FRONT_SLOTS - 1);
    }

    boolean contains(String s) {
        return ids.containsKey(s);
    }

    /** Sorts and numbers the strings, then writes {@code u32 count, (count + 1) x u32 offset, bytes} to {@code out}. */
    void freezeAndWrite(ByteSink out) {
        isFrozen = true;
        Arrays.fill(front, null);
        byte[][] bytes = new byte[ids.size()][];
        int i = 0;
        for (String s : ids.keySet()) {
            bytes[i++] = s.getBytes(StandardCharsets.UTF_8);
        }
        Arrays.sort(bytes, Arrays::compareUnsigned);
        out.putInt(bytes.length);
        int offset = 0;
        for (byte[] b : bytes) {
            out.putInt(offset);
            offset += b.length;
        }
        out.putInt(offset);
        List<String> order = new ArrayList<>(bytes.length);
        for (byte[] b : bytes) {
            out.putBytes(b);
            order.add(new String(b, StandardCharsets.UTF_8));
        }
        for (int k = 0; k < order.size(); k++) {
            ids.put(order.get(k), k);
        }
    }

    /** The id of a string added before {@link #freezeAndWrite}, or -1. */
    int id(String s) {
        int slot = slot(s);
        if (front[slot] == s) {
            return frontIds[slot];
        }
        Integer boxed = ids.get(s);
        int id = boxed == null ? -1 : boxed;
        if (isFrozen) { // ids are final only now
            front[slot] = s;
            frontIds[slot] = id;
        }
        return id;
    }
}
