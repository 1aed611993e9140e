package io.sightline.alerting.rule;

import io.sightline.alerting.state.Alert;
import io.sightline.query.QueryEngine;
import io.sightline.storage.Appendable;
import io.sightline.storage.Queryable;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What rule evaluation needs from the outside, shared by all groups. Immutable; the parts are thread-safe.
 *
 * @param notifier              receives alerts to send after each group evaluation (Prometheus's NotifyFunc)
 * @param resendDelayMillis     how often a still-firing alert is re-sent to notification
 * @param resolvedRetentionMillis how long a resolved alert is kept (and re-sent) after it resolved
 * @param outageToleranceMillis how far back {@code ALERTS_FOR_STATE} is read to restore state after a restart
 * @param forGracePeriodMillis  the least time an alert stays pending after a restart before it fires
 */
public record EvalContext(QueryEngine engine, Appendable appendable, Queryable queryable,
                          Map<String, String> externalLabels, String externalUrl, Consumer<List<Alert>> notifier,
                          long resendDelayMillis, long resolvedRetentionMillis, long outageToleranceMillis,
                          long forGracePeriodMillis, RuleMetrics metrics) {
}
