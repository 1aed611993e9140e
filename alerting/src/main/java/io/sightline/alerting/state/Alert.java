package io.sightline.alerting.state;

import io.sightline.storage.model.Labels;

import java.util.Map;

/**
 * An alert as the rule engine hands it to notification: Alertmanager's alert model. Immutable.
 *
 * @param labels          identity of the alert, including {@code alertname}
 * @param annotations     expanded annotations
 * @param startsAtMillis  when it started firing (Unix ms)
 * @param endsAtMillis    when it resolved, or until when a firing alert is valid without refresh (Unix ms)
 * @param generatorUrl    link to the expression's graph, or ""
 * @param value           the expression's value when last evaluated (NaN when unknown); chat messages show it
 */
public record Alert(Labels labels, Map<String, String> annotations, long startsAtMillis, long endsAtMillis,
                    String generatorUrl, double value) {

    /** Whether the alert counts as resolved at {@code nowMillis}. */
    public boolean isResolvedAt(long nowMillis) {
        return endsAtMillis > 0 && endsAtMillis <= nowMillis;
    }

    /** Alertmanager's fingerprint: a 64-bit FNV-1a hash over sorted label names and values, as 16 hex digits. */
    public String fingerprint() {
        return fingerprintOf(labels);
    }

    public static String fingerprintOf(Labels labels) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < labels.size(); i++) {
            h = fnv(h, labels.name(i));
            h = fnv(h, "\u00ff");
            h = fnv(h, labels.value(i));
            h = fnv(h, "\u00ff");
        }
        return String.format("%016x", h);
    }

    private static long fnv(long h, String s) {
        byte[] b = s.equals("\u00ff") ? new byte[]{(byte) 0xff} : s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte x : b) {
            h ^= (x & 0xff);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
