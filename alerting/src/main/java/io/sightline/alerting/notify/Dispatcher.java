package io.sightline.alerting.notify;

import io.sightline.alerting.state.Alert;
import io.sightline.storage.model.Labels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Alertmanager's dispatcher and its pipeline stages in one place: routes alerts into aggregation groups, flushes
 * a group {@code group_wait} after it appears and every {@code group_interval} after, drops silenced and inhibited
 * alerts, and decides per integration whether to notify (the dedup stage, against the durable notification log and
 * {@code repeat_interval}). Decided notifications go to the outbox. Thread-safe: one lock guards all groups.
 */
final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final long RESOLVED_RETENTION_MILLIS = 3_600_000;

    private final Clock clock;
    private final NotificationLog nflog;
    private final Outbox outbox;
    private final Silences silences;
    private final String externalUrl;
    private final BiConsumer<String, Integration> onQueued;
    private final Object lock = new Object();
    /** All known alerts by fingerprint, so a config reload can route them again. */
    private final Map<String, Alert> store = new LinkedHashMap<>();
    private final Map<String, AggregationGroup> groups = new LinkedHashMap<>();
    /** When each stored alert was last received (the API's {@code updatedAt}). */
    private final Map<String, Long> updatedAt = new HashMap<>();
    private NotifyConfig config = NotifyConfig.NONE;

    Dispatcher(Clock clock, NotificationLog nflog, Outbox outbox, Silences silences, String externalUrl,
               BiConsumer<String, Integration> onQueued) {
        this.clock = clock;
        this.nflog = nflog;
        this.outbox = outbox;
        this.silences = silences;
        this.externalUrl = externalUrl;
        this.onQueued = onQueued;
    }

    /** Swaps the configuration and routes every known alert again (groups restart, as in Alertmanager). */
    void configure(NotifyConfig next) {
        synchronized (lock) {
            config = next;
            groups.clear();
            long now = clock.millis();
            for (Alert a : store.values()) {
                route(a, now);
            }
        }
    }

    /** Receives alerts from rule evaluation; a newer version of an alert replaces the older one. */
    void receive(Collection<Alert> alerts) {
        synchronized (lock) {
            long now = clock.millis();
            for (Alert a : alerts) {
                store.put(a.fingerprint(), a);
                updatedAt.put(a.fingerprint(), now);
                route(a, now);
            }
        }
    }

    private void route(Alert a, long now) {
        if (config.route() == null) {
            return;
        }
        for (RouteNode r : config.route().match(a.labels())) {
            Labels gl = r.groupLabels(a.labels());
            String id = r.id() + ":" + gl;
            AggregationGroup g = groups.get(id);
            if (g == null) {
                if (a.isResolvedAt(now)) {
                    continue; // no group to tell about an alert that came and went unseen
                }
                g = new AggregationGroup(r, gl, now);
                groups.put(id, g);
            }
            g.alerts.put(a.fingerprint(), a);
        }
    }

    /** Flushes every group that is due; call periodically. Returns how many groups flushed. */
    int tick() {
        synchronized (lock) {
            long now = clock.millis();
            int flushed = 0;
            for (AggregationGroup g : new ArrayList<>(groups.values())) {
                if (g.nextFlushMillis <= now) {
                    flush(g, now);
                    g.nextFlushMillis = now + g.route.groupIntervalMillis();
                    g.alerts.values().removeIf(a -> a.isResolvedAt(now));
                    if (g.alerts.isEmpty()) {
                        groups.remove(g.route.id() + ":" + g.groupLabels);
                    }
                    flushed++;
                }
            }
            store.values().removeIf(a -> a.isResolvedAt(now - RESOLVED_RETENTION_MILLIS));
            updatedAt.keySet().retainAll(store.keySet());
            return flushed;
        }
    }

    /** The earliest time a group is due, or {@code Long.MAX_VALUE}. */
    long nextFlushMillis() {
        synchronized (lock) {
            return groups.values().stream().mapToLong(g -> g.nextFlushMillis).min().orElse(Long.MAX_VALUE);
        }
    }

    private void flush(AggregationGroup g, long now) {
        if (config.isMuted(g.route, now)) {
            // Alertmanager's time mute/active stages: nothing is sent and nothing logged, so the first
            // notification after the interval is a "first notification" again if the alerts are still there
            log.debug("route muted by time interval [receiver={}, group={}]", g.route.receiver(), g.groupKey);
            return;
        }
        List<Labels> firingAll = new ArrayList<>();
        for (Alert a : store.values()) {
            if (!a.isResolvedAt(now)) {
                firingAll.add(a.labels());
            }
        }
        List<Alert> alerts = new ArrayList<>();
        for (Alert a : g.alerts.values()) {
            if (silences.isSilenced(a.labels(), now) || isInhibited(a.labels(), firingAll)) {
                continue;
            }
            alerts.add(a);
        }
        alerts.sort(Comparator.comparing(Alert::labels));
        Set<String> firing = new HashSet<>();
        Set<String> resolved = new HashSet<>();
        for (Alert a : alerts) {
            (a.isResolvedAt(now) ? resolved : firing).add(a.fingerprint());
        }
        List<Integration> integrations = config.receivers().getOrDefault(g.route.receiver(), List.of());
        for (Integration i : integrations) {
            String key = Integration.key(g.route.receiver(), i);
            NotificationLog.Entry last = nflog.get(g.groupKey, key);
            String reason = reason(last, firing, resolved, i.shouldSendResolved(), g.route.repeatIntervalMillis(), now);
            if (reason == null || isAlreadyQueued(key, g.groupKey, firing, resolved)) {
                continue;
            }
            List<Alert> toSend = i.shouldSendResolved() ? alerts : alerts.stream().filter(a -> !a.isResolvedAt(now)).toList();
            if (toSend.isEmpty()) {
                // all resolved and the integration does not want resolved messages: just forget the firing ones
                nflog.log(g.groupKey, key, firing, resolved, now, 120 * 3_600_000L);
                continue;
            }
            Notification n = notification(g, toSend, now, reason);
            outbox.put(key, g.groupKey, new String(i.body(n), java.nio.charset.StandardCharsets.UTF_8), firing, resolved,
                    g.route.repeatIntervalMillis(), now);
            log.debug("notification queued [receiver={}, integration={}, group={}, reason={}]", g.route.receiver(), key,
                    g.groupKey, reason);
            onQueued.accept(g.route.receiver(), i);
        }
    }

    /**
     * Whether the same content is still waiting in the outbox for this group and integration. Replacing it would
     * restart its delivery at every group_interval and defeat the retry backoff of a failing receiver (Alertmanager
     * avoids this because a group's flush blocks until its notify call, retries included, returns).
     */
    private boolean isAlreadyQueued(String integrationKey, String groupKey, Set<String> firing, Set<String> resolved) {
        Outbox.Entry pending = outbox.current(integrationKey, groupKey);
        return pending != null && pending.firing().equals(firing) && pending.resolved().equals(resolved);
    }

    private boolean isInhibited(Labels l, List<Labels> firing) {
        for (InhibitRule r : config.inhibitRules()) {
            if (r.mutes(l, firing)) {
                return true;
            }
        }
        return false;
    }

    /** Alertmanager's DedupStage.needsUpdate, returning the notification reason or null for "no". */
    static String reason(NotificationLog.Entry last, Set<String> firing, Set<String> resolved, boolean shouldSendResolved,
                         long repeatMillis, long now) {
        if (last == null) {
            return firing.isEmpty() ? null : "first notification";
        }
        if (!last.firing().containsAll(firing)) {
            return "new alerts added";
        }
        if (firing.isEmpty()) {
            return last.firing().isEmpty() ? null : "all alerts resolved";
        }
        if (shouldSendResolved && !last.resolved().containsAll(resolved)) {
            return "some alerts resolved";
        }
        return last.timestampMillis() + repeatMillis <= now ? "repeat interval elapsed" : null;
    }

    private Notification notification(AggregationGroup g, List<Alert> alerts, long now, String reason) {
        List<Notification.NotifiedAlert> list = new ArrayList<>();
        Map<String, String> commonLabels = null;
        Map<String, String> commonAnnotations = null;
        boolean anyFiring = false;
        for (Alert a : alerts) {
            boolean isResolved = a.isResolvedAt(now);
            anyFiring |= !isResolved;
            list.add(new Notification.NotifiedAlert(isResolved ? "resolved" : "firing", a.labels(), a.annotations(),
                    a.startsAtMillis(), isResolved ? a.endsAtMillis() : 0, a.generatorUrl(), a.fingerprint(), a.value()));
            commonLabels = intersect(commonLabels, a.labels().toMap());
            commonAnnotations = intersect(commonAnnotations, a.annotations());
        }
        return new Notification(g.route.receiver(), anyFiring ? "firing" : "resolved", List.copyOf(list),
                g.groupLabels.toMap(), commonLabels == null ? Map.of() : commonLabels,
                commonAnnotations == null ? Map.of() : commonAnnotations, externalUrl, g.groupKey, 0, reason);
    }

    private static Map<String, String> intersect(Map<String, String> acc, Map<String, String> m) {
        if (acc == null) {
            return new HashMap<>(m);
        }
        acc.entrySet().removeIf(e -> !e.getValue().equals(m.get(e.getKey())));
        return acc;
    }

    /** Alerts known to notification, for the API. */
    List<Alert> alerts() {
        synchronized (lock) {
            return List.copyOf(store.values());
        }
    }

    /** Every alert not yet resolved, with its routing and suppression, for Alertmanager's API v2. */
    List<AlertStatus> alertStatuses() {
        synchronized (lock) {
            long now = clock.millis();
            List<Labels> firing = firingLabels(now);
            List<AlertStatus> out = new ArrayList<>();
            for (Alert a : store.values()) {
                if (!a.isResolvedAt(now)) {
                    List<RouteNode> routes = config.route() == null ? List.of() : config.route().match(a.labels());
                    out.add(status(a, routes, firing, now));
                }
            }
            return out;
        }
    }

    /** The aggregation groups with their unresolved alerts, for {@code /api/v2/alerts/groups}. */
    List<AlertStatus.Group> groupStatuses() {
        synchronized (lock) {
            long now = clock.millis();
            List<Labels> firing = firingLabels(now);
            List<AlertStatus.Group> out = new ArrayList<>();
            for (AggregationGroup g : groups.values()) {
                List<AlertStatus> alerts = new ArrayList<>();
                for (Alert a : g.alerts.values()) {
                    Alert current = store.getOrDefault(a.fingerprint(), a);
                    if (!current.isResolvedAt(now)) {
                        alerts.add(status(current, List.of(g.route), firing, now));
                    }
                }
                if (!alerts.isEmpty()) {
                    out.add(new AlertStatus.Group(g.groupLabels, g.route.receiver(), List.copyOf(alerts)));
                }
            }
            return out;
        }
    }

    private List<Labels> firingLabels(long now) {
        List<Labels> firing = new ArrayList<>();
        for (Alert a : store.values()) {
            if (!a.isResolvedAt(now)) {
                firing.add(a.labels());
            }
        }
        return firing;
    }

    private AlertStatus status(Alert a, List<RouteNode> routes, List<Labels> firing, long now) {
        List<String> inhibitedBy = new ArrayList<>();
        for (InhibitRule r : config.inhibitRules()) {
            for (Labels source : r.sources(a.labels(), firing)) {
                String fp = Alert.fingerprintOf(source);
                if (!inhibitedBy.contains(fp)) {
                    inhibitedBy.add(fp);
                }
            }
        }
        List<String> receivers = new ArrayList<>();
        List<String> mutedBy = new ArrayList<>();
        java.time.Instant instant = java.time.Instant.ofEpochMilli(now);
        for (RouteNode r : routes) {
            if (!receivers.contains(r.receiver())) {
                receivers.add(r.receiver());
            }
            for (String name : r.muteTimeIntervals()) {
                if (!mutedBy.contains(name) && config.timeIntervals().getOrDefault(name, List.of()).stream()
                        .anyMatch(t -> t.contains(instant))) {
                    mutedBy.add(name);
                }
            }
            if (!r.activeTimeIntervals().isEmpty() && config.isMuted(r, now)) {
                r.activeTimeIntervals().stream().filter(x -> !mutedBy.contains(x)).forEach(mutedBy::add);
            }
        }
        return new AlertStatus(a, updatedAt.getOrDefault(a.fingerprint(), a.startsAtMillis()), List.copyOf(receivers),
                List.copyOf(silences.silencedBy(a.labels(), now)), List.copyOf(inhibitedBy), List.copyOf(mutedBy));
    }

    /** The configuration in force. */
    NotifyConfig config() {
        synchronized (lock) {
            return config;
        }
    }
}
