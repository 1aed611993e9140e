package io.sightline.ingest.otlp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OTLP attribute key to Prometheus label name (../shared/reference/otlp-to-prometheus.md §2): characters
 * outside {@code [a-zA-Z0-9_]} become {@code _}; a leading digit gets the prefix {@code key_}, a single
 * leading {@code _} the prefix {@code key}; names starting with {@code __} are left alone. Runs of
 * {@code _} are kept, as Prometheus does by default.
 *
 * <p>Keys repeat in every request, so results are cached (bounded, cleared when full). Thread-safe.
 */
public final class LabelNamer {
    private static final int MAX_CACHED = 16_384;

    private final Map<String, String> cache = new ConcurrentHashMap<>();

    /** The label name for {@code key}; the empty string for an empty key. */
    public String labelName(String key) {
        // Most keys are valid label names already: checking the characters is cheaper than hashing a
        // freshly decoded string for the cache lookup.
        if (isValidAsIs(key)) {
            return key;
        }
        String cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        String built = sanitize(key);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(key, built);
        return built;
    }

    private static boolean isValidAsIs(String key) {
        int n = key.length();
        if (n == 0) {
            return false;
        }
        char first = key.charAt(0);
        if ((first >= '0' && first <= '9') || (first == '_' && (n == 1 || key.charAt(1) != '_'))) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!isLabelChar(key.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static String sanitize(String key) {
        if (key.isEmpty()) {
            return key;
        }
        boolean clean = true;
        for (int i = 0; i < key.length() && clean; i++) {
            clean = isLabelChar(key.charAt(i));
        }
        String s = key;
        if (!clean) {
            StringBuilder sb = new StringBuilder(key.length());
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                sb.append(isLabelChar(c) ? c : '_');
            }
            s = sb.toString();
        }
        char first = s.charAt(0);
        if (first >= '0' && first <= '9') {
            return "key_" + s;
        }
        if (first == '_' && !s.startsWith("__")) {
            return "key" + s;
        }
        return s;
    }

    private static boolean isLabelChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
}
