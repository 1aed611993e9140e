package io.sightline.alerting.notify;

/**
 * Alertmanager's {@code global:} section as integrations need it, plus Sightline's external URL for links.
 *
 * @param defaultTimeoutMillis per-request timeout of an integration that sets no {@code timeout}
 */
public record Globals(String slackApiUrl, String telegramApiUrl, String externalUrl, long defaultTimeoutMillis) {
}
