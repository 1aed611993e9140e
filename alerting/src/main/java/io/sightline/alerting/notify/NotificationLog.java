package io.sightline.alerting.notify;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Alertmanager's notification log (nflog): per aggregation group and integration, which alerts were last
 * delivered as firing and resolved, and when. Persisted under the data dir so a restart neither repeats a
 * notification within {@code repeat_interval} nor forgets that one is due. Thread-safe.
 */
public final class NotificationLog {
    /** What the last delivered notification said. */
    public record Entry(Set<String> firing, Set<String> resolved, long timestampMillis, long expiresAtMillis) {
    }

    private final Path file;
    private final Object lock = new Object();
    private final Map<String, Entry> entries;

    public NotificationLog(Path file) {
        this.file = file;
        this.entries = new HashMap<>(DurableJson.readMap(file, Entry.class));
    }

    public Entry get(String groupKey, String integrationKey) {
        synchronized (lock) {
            return entries.get(key(groupKey, integrationKey));
        }
    }

    /** Records a delivery and drops expired entries, then persists. */
    public void log(String groupKey, String integrationKey, Set<String> firing, Set<String> resolved, long nowMillis,
                    long retentionMillis) {
        synchronized (lock) {
            entries.values().removeIf(e -> e.expiresAtMillis() < nowMillis);
            entries.put(key(groupKey, integrationKey), new Entry(Set.copyOf(firing), Set.copyOf(resolved), nowMillis,
                    nowMillis + retentionMillis));
            DurableJson.write(file, entries);
        }
    }

    private static String key(String groupKey, String integrationKey) {
        return integrationKey + "|" + groupKey;
    }
}
