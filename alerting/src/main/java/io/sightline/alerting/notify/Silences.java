package io.sightline.alerting.notify;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Silences in Alertmanager's model: matchers plus a time window; an alert matching every matcher of an active
 * silence is not sent. Persisted under the data dir. Expired silences are kept for {@code retention} (as AM's
 * 5 days) so they can be listed. Thread-safe.
 */
public final class Silences {
    /** A matcher as the v2 API spells it. */
    public record SilenceMatcher(String name, String value, boolean isRegex, boolean isEqual) {
        Matcher toMatcher() {
            Matcher.Type t = isRegex ? (isEqual ? Matcher.Type.RE : Matcher.Type.NRE) : (isEqual ? Matcher.Type.EQ : Matcher.Type.NEQ);
            return Matcher.of(t, name, value);
        }
    }

    public record Silence(String id, List<SilenceMatcher> matchers, long startsAtMillis, long endsAtMillis,
                          long updatedAtMillis, String createdBy, String comment) {
        /** "pending", "active" or "expired" at {@code now}. */
        public String state(long nowMillis) {
            if (endsAtMillis <= nowMillis) {
                return "expired";
            }
            return startsAtMillis > nowMillis ? "pending" : "active";
        }

        boolean mutes(Labels l, long nowMillis) {
            if (!state(nowMillis).equals("active")) {
                return false;
            }
            for (SilenceMatcher m : matchers) {
                Matcher x = m.toMatcher();
                if (!x.matches(l.get(x.name()))) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final long RETENTION_MILLIS = 5 * 86_400_000L;
    private static final int MAX_SILENCES = 10_000;

    private final Path file;
    private final Object lock = new Object();
    private final Map<String, Silence> silences = new LinkedHashMap<>();

    public Silences(Path file) {
        this.file = file;
        for (Silence s : DurableJson.readList(file, Silence.class)) {
            silences.put(s.id(), s);
        }
    }

    /**
     * Creates a silence, or updates the one with {@code id} (Alertmanager expires the old one and creates a new one
     * when an active silence's matchers change; here the id is kept). Returns the id.
     *
     * @throws IllegalArgumentException for no matchers, a matcher that matches everything, bad regex, or end before start
     */
    public String upsert(String id, List<SilenceMatcher> matchers, long startsAt, long endsAt, String createdBy,
                         String comment, long nowMillis) {
        if (matchers.isEmpty()) {
            throw new IllegalArgumentException("silence must have at least one matcher");
        }
        boolean allMatchEmpty = true;
        for (SilenceMatcher m : matchers) {
            if (m.name() == null || m.name().isEmpty()) {
                throw new IllegalArgumentException("silence matcher has no label name");
            }
            allMatchEmpty &= m.toMatcher().matchesEmpty();
        }
        if (allMatchEmpty) {
            throw new IllegalArgumentException("at least one matcher must not match the empty string");
        }
        if (endsAt <= startsAt) {
            throw new IllegalArgumentException("end time must not be before start time");
        }
        synchronized (lock) {
            silences.values().removeIf(s -> s.endsAtMillis() + RETENTION_MILLIS < nowMillis);
            String sid = id;
            if (sid == null || sid.isEmpty()) {
                if (silences.size() >= MAX_SILENCES) {
                    throw new IllegalArgumentException("too many silences (limit " + MAX_SILENCES + "); expire some first");
                }
                sid = UUID.randomUUID().toString();
            } else if (!silences.containsKey(sid)) {
                throw new java.util.NoSuchElementException("silence " + sid + " not found");
            }
            silences.put(sid, new Silence(sid, List.copyOf(matchers), Math.max(startsAt, 0), endsAt, nowMillis,
                    createdBy == null ? "" : createdBy, comment == null ? "" : comment));
            DurableJson.write(file, new ArrayList<>(silences.values()));
            return sid;
        }
    }

    /** Expires a silence now; false when unknown. */
    public boolean expire(String id, long nowMillis) {
        synchronized (lock) {
            Silence s = silences.get(id);
            if (s == null) {
                return false;
            }
            if (s.endsAtMillis() > nowMillis) {
                silences.put(id, new Silence(id, s.matchers(), Math.min(s.startsAtMillis(), nowMillis), nowMillis, nowMillis,
                        s.createdBy(), s.comment()));
                DurableJson.write(file, new ArrayList<>(silences.values()));
            }
            return true;
        }
    }

    public List<Silence> list() {
        synchronized (lock) {
            return List.copyOf(silences.values());
        }
    }

    public Silence get(String id) {
        synchronized (lock) {
            return silences.get(id);
        }
    }

    public boolean isSilenced(Labels labels, long nowMillis) {
        return !silencedBy(labels, nowMillis).isEmpty();
    }

    /** Ids of the active silences that mute {@code labels}. */
    public List<String> silencedBy(Labels labels, long nowMillis) {
        synchronized (lock) {
            List<String> ids = new ArrayList<>();
            for (Silence s : silences.values()) {
                if (s.mutes(labels, nowMillis)) {
                    ids.add(s.id());
                }
            }
            return ids;
        }
    }
}
