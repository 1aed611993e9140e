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
 */
final class DictionaryBuilder {
    private final Map<String, Integer> ids = new HashMap<>();
    private boolean isFrozen;

    void add(String s) {
        if (isFrozen) {
            throw new IllegalStateException("dictionary already frozen");
        }
        ids.putIfAbsent(s, -1);
    }

    boolean contains(String s) {
        return ids.containsKey(s);
    }

    /** Sorts and numbers the strings, then writes {@code u32 count, (count + 1) x u32 offset, bytes} to {@code out}. */
    void freezeAndWrite(ByteSink out) {
        isFrozen = true;
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
        Integer id = ids.get(s);
        return id == null ? -1 : id;
    }
}
