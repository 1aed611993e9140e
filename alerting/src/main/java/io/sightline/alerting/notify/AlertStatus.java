package io.sightline.alerting.notify;

import io.sightline.alerting.state.Alert;

import java.util.List;

/**
 * An alert as Alertmanager's API v2 reports it: the alert, where it is routed, and what suppresses it. Immutable.
 *
 * @param receivers   receiver names of the routes it matches
 * @param silencedBy  ids of the silences muting it
 * @param inhibitedBy fingerprints of the firing alerts inhibiting it
 * @param mutedBy     names of time intervals muting its routes now
 */
public record AlertStatus(Alert alert, long updatedAtMillis, List<String> receivers, List<String> silencedBy,
                          List<String> inhibitedBy, List<String> mutedBy) {
    /** {@code suppressed} when silenced, inhibited or muted, else {@code active} (Alertmanager's states). */
    public String state() {
        return silencedBy.isEmpty() && inhibitedBy.isEmpty() && mutedBy.isEmpty() ? "active" : "suppressed";
    }

    /**
     * An aggregation group as {@code /api/v2/alerts/groups} reports it.
     *
     * @param labels the group's {@code group_by} labels
     */
    public record Group(io.sightline.storage.model.Labels labels, String receiver, List<AlertStatus> alerts) {
    }
}
