package io.sightline.alerting;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Alerting settings, immutable and validated on construction (errors name the config key).
 *
 * @param ruleFiles                 {@code rule_files}: paths or globs of Prometheus rule files
 * @param evaluationIntervalMillis  {@code global.evaluation_interval}: for groups that set no {@code interval}
 * @param externalLabels            {@code global.external_labels}: {@code $externalLabels} in templates
 * @param notifyConfigFile          {@code alerting.config_file}: an alertmanager.yml, or null to send nothing
 * @param externalUrl               {@code alerting.external_url}: base of graph links in messages
 * @param stateDir                  where the outbox, notification log and silences live ({@code <data_dir>/alerting})
 * @param resendDelayMillis         {@code alerting.resend_delay}: how often firing alerts are re-sent to routing
 * @param forGracePeriodMillis      {@code alerting.for_grace_period}: least pending time after a restart
 * @param outageToleranceMillis     {@code alerting.for_outage_tolerance}: how far back state is restored
 * @param notifyTickMillis          {@code alerting.dispatch_tick}: granularity of group_wait/group_interval
 * @param notifyTimeoutMillis       {@code alerting.notify_timeout}: per-request timeout of receivers without one
 * @param retryInitialBackoffMillis {@code alerting.retry_initial_backoff}: first retry delay (doubles per attempt)
 * @param retryMaxBackoffMillis     {@code alerting.retry_max_backoff}: cap of the retry delay
 */
public record AlertingConfig(List<String> ruleFiles, long evaluationIntervalMillis, Map<String, String> externalLabels,
                             Path notifyConfigFile, String externalUrl, Path stateDir, long resendDelayMillis,
                             long forGracePeriodMillis, long outageToleranceMillis, long notifyTickMillis,
                             long notifyTimeoutMillis, long retryInitialBackoffMillis, long retryMaxBackoffMillis) {

    public AlertingConfig {
        ruleFiles = List.copyOf(ruleFiles);
        externalLabels = Map.copyOf(externalLabels);
        positive("global.evaluation_interval", evaluationIntervalMillis);
        positive("alerting.resend_delay", resendDelayMillis);
        positive("alerting.dispatch_tick", notifyTickMillis);
        positive("alerting.notify_timeout", notifyTimeoutMillis);
        positive("alerting.retry_initial_backoff", retryInitialBackoffMillis);
        if (retryMaxBackoffMillis < retryInitialBackoffMillis) {
            throw new IllegalArgumentException("alerting.retry_max_backoff (" + retryMaxBackoffMillis
                    + " ms) must not be below alerting.retry_initial_backoff (" + retryInitialBackoffMillis + " ms)");
        }
        if (forGracePeriodMillis < 0 || outageToleranceMillis < 0) {
            throw new IllegalArgumentException("alerting.for_grace_period and alerting.for_outage_tolerance must not be negative");
        }
        if (externalUrl == null || !(externalUrl.startsWith("http://") || externalUrl.startsWith("https://"))) {
            throw new IllegalArgumentException("alerting.external_url must be an http(s) URL, got " + externalUrl);
        }
    }

    /** Prometheus's defaults, nothing loaded. */
    public static AlertingConfig defaults(Path dataDir, String externalUrl) {
        return new AlertingConfig(List.of(), 60_000, Map.of(), null, externalUrl, dataDir.resolve("alerting"), 60_000,
                600_000, 3_600_000, 250, 10_000, 1_000, 60_000);
    }

    private static void positive(String key, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + v + " ms");
        }
    }
}
