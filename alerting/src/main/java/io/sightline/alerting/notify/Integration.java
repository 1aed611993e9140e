package io.sightline.alerting.notify;

import java.net.URI;
import java.util.Map;

/**
 * One configured notification target, such as the second {@code slack_configs} entry of a receiver
 * (Alertmanager's notify.Notifier). Implementations live in one sub-package per service, with their config
 * parsing and formatter. Immutable and thread-safe.
 *
 * <h2>Pitfalls</h2>
 * {@link #body} must stay within the service's documented limits (message length, number of fields or
 * embeds): truncate, never fail, since a rejected message is a lost alert.
 */
public interface Integration {
    /** The config key without {@code _configs}: {@code webhook}, {@code slack}, ... */
    String type();

    /** Position among the receiver's entries of this type. */
    int index();

    boolean shouldSendResolved();

    long timeoutMillis();

    /** Where to POST; may be read from a file at call time (secrets). */
    URI url();

    /** The {@code http_config}: authentication, TLS, proxy. */
    default HttpSettings http() {
        return HttpSettings.DEFAULT;
    }

    /** Headers besides {@code Content-Type: application/json} and those of {@link #http()}. */
    default Map<String, String> headers() {
        return Map.of();
    }

    /** The request body for a notification. */
    byte[] body(Notification n);

    /**
     * Outcome of a response; services that report errors inside a 200 (Slack's Web API) override this.
     *
     * @param body the response body, possibly cut short
     */
    default Outcome classify(int status, String body) {
        return classify(status);
    }

    /**
     * How long the service asks to wait when it says so in the body of a 429 rather than in {@code Retry-After}
     * (Telegram's {@code parameters.retry_after}, Discord's {@code retry_after}); -1 when it does not.
     */
    default long retryAfterMillisFromBody(String body) {
        return -1;
    }

    /**
     * A plainer body to send once more when the service refused {@code body} for good (Telegram rejects a message
     * whose markup it cannot parse), or null to drop the notification.
     */
    default String fallbackBody(int status, String responseBody, String body) {
        return null;
    }

    /** Outcome of an HTTP status: Alertmanager's Retrier classification plus 429, honouring Retry-After. */
    default Outcome classify(int status) {
        if (status / 100 == 2) {
            return Outcome.DELIVERED;
        }
        if (status == 429 || status / 100 == 5) {
            return Outcome.RETRY;
        }
        return Outcome.PERMANENT_FAILURE;
    }

    enum Outcome { DELIVERED, RETRY, PERMANENT_FAILURE }

    /** Key for the notification log and the outbox: {@code receiver/type/index}. */
    static String key(String receiver, Integration i) {
        return receiver + "/" + i.type() + "/" + i.index();
    }
}
