package io.sightline.alerting.notify;

import java.util.List;
import java.util.Map;

/**
 * A parsed Alertmanager configuration. Immutable.
 *
 * @param timeIntervals named intervals from {@code time_intervals} and the deprecated {@code mute_time_intervals}
 * @param original      the file's text, served by {@code /api/v2/status} as Alertmanager does
 */
public record NotifyConfig(RouteNode route, List<InhibitRule> inhibitRules, Map<String, List<Integration>> receivers,
                           Map<String, List<TimeInterval>> timeIntervals, String original) {
    /** No config file: no route, nothing is sent (alerts still show in the API). */
    public static final NotifyConfig NONE = new NotifyConfig(null, List.of(), Map.of(), Map.of(), "");

    /** Whether the route is muted at {@code nowMillis} by its mute or active time intervals. */
    boolean isMuted(RouteNode route, long nowMillis) {
        java.time.Instant now = java.time.Instant.ofEpochMilli(nowMillis);
        for (String name : route.muteTimeIntervals()) {
            if (timeIntervals.getOrDefault(name, List.of()).stream().anyMatch(t -> t.contains(now))) {
                return true;
            }
        }
        if (route.activeTimeIntervals().isEmpty()) {
            return false;
        }
        for (String name : route.activeTimeIntervals()) {
            if (timeIntervals.getOrDefault(name, List.of()).stream().anyMatch(t -> t.contains(now))) {
                return false;
            }
        }
        return true;
    }
}
