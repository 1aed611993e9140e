package io.sightline.alerting.notify;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;

/**
 * Notification self-metrics. Alert on {@code sightline_alerting_notifications_failed_total} rising while
 * {@code sightline_alerting_notifications_total} does not: a receiver is unreachable. Thread-safe.
 */
public final class NotifyMetrics {
    private static final AttributeKey<String> RECEIVER = AttributeKey.stringKey("receiver");
    private static final AttributeKey<String> INTEGRATION = AttributeKey.stringKey("integration");

    private final LongCounter sent;
    private final LongCounter failed;
    private final LongCounter retries;
    private final LongCounter dropped;

    public NotifyMetrics(Meter meter) {
        sent = meter.counterBuilder("sightline_alerting_notifications_total")
                .setDescription("Notifications delivered, per receiver and integration").build();
        failed = meter.counterBuilder("sightline_alerting_notifications_failed_total")
                .setDescription("Notification attempts that failed (each retry counts), per receiver and integration").build();
        retries = meter.counterBuilder("sightline_alerting_notification_retries_total")
                .setDescription("Notification attempts scheduled for retry, per receiver and integration").build();
        dropped = meter.counterBuilder("sightline_alerting_notifications_dropped_total")
                .setDescription("Notifications given up after a permanent failure, per receiver and integration").build();
    }

    void delivered(String receiver, String integration) {
        sent.add(1, attrs(receiver, integration));
    }

    void failed(String receiver, String integration, boolean willRetry) {
        failed.add(1, attrs(receiver, integration));
        (willRetry ? retries : dropped).add(1, attrs(receiver, integration));
    }

    private static Attributes attrs(String receiver, String integration) {
        return Attributes.of(RECEIVER, receiver, INTEGRATION, integration);
    }
}
