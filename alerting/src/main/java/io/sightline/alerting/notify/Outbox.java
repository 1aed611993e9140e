package io.sightline.alerting.notify;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Notifications decided but not yet delivered, persisted under the data dir so they survive a restart. At most one
 * per aggregation group and integration: a newer notification for the same pair replaces the pending one (its
 * content supersedes it), which is what keeps retries and restarts from producing duplicates. Thread-safe.
 */
public final class Outbox {
    /**
     * A pending notification.
     *
     * @param version increases on every replacement, so a delivery of an older version does not remove a newer one
     * @param body    the rendered request body (UTF-8 text); the URL is looked up at delivery (it may be a secret)
     */
    public record Entry(String integrationKey, String groupKey, long version, String body, Set<String> firing,
                        Set<String> resolved, long repeatIntervalMillis, long createdAtMillis) {
        String key() {
            return integrationKey + "|" + groupKey;
        }
    }

    private final Path file;
    private final Object lock = new Object();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long nextVersion;

    public Outbox(Path file) {
        this.file = file;
        for (Entry e : DurableJson.readList(file, Entry.class)) {
            entries.put(e.key(), e);
            nextVersion = Math.max(nextVersion, e.version() + 1);
        }
    }

    /** Adds or replaces the pending notification of its group and integration, durably. */
    public Entry put(String integrationKey, String groupKey, String body, Set<String> firing, Set<String> resolved,
                     long repeatIntervalMillis, long nowMillis) {
        synchronized (lock) {
            Entry e = new Entry(integrationKey, groupKey, nextVersion++, body, Set.copyOf(firing), Set.copyOf(resolved),
                    repeatIntervalMillis, nowMillis);
            entries.remove(e.key());
            entries.put(e.key(), e);
            persist();
            return e;
        }
    }

    /** Removes the entry if it is still this version (not replaced meanwhile). */
    public void remove(Entry e) {
        synchronized (lock) {
            Entry cur = entries.get(e.key());
            if (cur != null && cur.version() == e.version()) {
                entries.remove(e.key());
                persist();
            }
        }
    }

    /** The pending entries of one integration, oldest first. */
    public List<Entry> pending(String integrationKey) {
        synchronized (lock) {
            List<Entry> out = new ArrayList<>();
            for (Entry e : entries.values()) {
                if (e.integrationKey().equals(integrationKey)) {
                    out.add(e);
                }
            }
            return out;
        }
    }

    public Entry current(String integrationKey, String groupKey) {
        synchronized (lock) {
            return entries.get(integrationKey + "|" + groupKey);
        }
    }

    /** Every pending entry, oldest first. */
    List<Entry> all() {
        synchronized (lock) {
            return List.copyOf(entries.values());
        }
    }

    public int size() {
        synchronized (lock) {
            return entries.size();
        }
    }

    /** Drops entries of integrations no longer configured; returns how many. */
    public int retainIntegrations(Set<String> keys) {
        synchronized (lock) {
            int before = entries.size();
            entries.values().removeIf(e -> !keys.contains(e.integrationKey()));
            if (entries.size() != before) {
                persist();
            }
            return before - entries.size();
        }
    }

    private void persist() {
        DurableJson.write(file, new ArrayList<>(entries.values()));
    }
}
