package io.sightline.alerting.notify;

import io.sightline.storage.model.Labels;

import java.util.List;
import java.util.Map;

/**
 * One notification for one aggregation group and one receiver: Alertmanager's template data. Immutable.
 *
 * @param status  "firing" when any alert fires, else "resolved"
 * @param reason  Alertmanager's {@code notification_reason}
 */
public record Notification(String receiver, String status, List<NotifiedAlert> alerts, Map<String, String> groupLabels,
                           Map<String, String> commonLabels, Map<String, String> commonAnnotations,
                           String externalUrl, String groupKey, int truncatedAlerts, String reason) {

    /** One alert in a notification. {@code endsAtMillis} is 0 while it fires; {@code value} may be NaN. */
    public record NotifiedAlert(String status, Labels labels, Map<String, String> annotations, long startsAtMillis,
                                long endsAtMillis, String generatorUrl, String fingerprint, double value) {
        public boolean isFiring() {
            return status.equals("firing");
        }
    }

    public long firingCount() {
        return alerts.stream().filter(NotifiedAlert::isFiring).count();
    }
}
