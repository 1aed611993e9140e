package io.sightline.alerting.notify;

/**
 * Alertmanager's {@code global:} section as integrations need it, plus Sightline's external URL for links and the
 * config's notification templates.
 *
 * @param defaultTimeoutMillis per-request timeout of an integration that sets no {@code timeout}
 * @param http                 {@code global.http_config}, inherited by receivers that set none
 */
public record Globals(String slackApiUrl, String slackAppToken, String slackAppUrl, String telegramApiUrl,
                      String telegramBotToken, String mattermostWebhookUrl, String externalUrl,
                      long defaultTimeoutMillis, HttpSettings http, NotifyTemplates templates) {
}
