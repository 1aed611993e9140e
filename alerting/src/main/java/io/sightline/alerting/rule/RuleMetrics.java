package io.sightline.alerting.rule;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;

/**
 * Rule-evaluation self-metrics. Alert on {@code sightline_alerting_rule_evaluation_failures_total} rising:
 * a rule that fails to evaluate cannot fire; on {@code sightline_alerting_rule_evaluation_duration_seconds} nearing
 * the group interval: evaluations fall behind. Thread-safe.
 */
public final class RuleMetrics {
    private static final AttributeKey<String> GROUP = AttributeKey.stringKey("rule_group");

    private final LongCounter evaluations;
    private final LongCounter failures;
    private final DoubleHistogram seconds;

    public RuleMetrics(Meter meter) {
        evaluations = meter.counterBuilder("sightline_alerting_rule_evaluations_total")
                .setDescription("Rule evaluations, per rule group").build();
        failures = meter.counterBuilder("sightline_alerting_rule_evaluation_failures_total")
                .setDescription("Rule evaluations that failed, per rule group").build();
        seconds = meter.histogramBuilder("sightline_alerting_rule_evaluation_duration_seconds")
                .setDescription("Duration of one rule's evaluation, per rule group").setUnit("s").build();
    }

    void evaluated(String group, boolean failed, long nanos) {
        Attributes a = Attributes.of(GROUP, group);
        evaluations.add(1, a);
        seconds.record(nanos / 1e9, a);
        if (failed) {
            failures.add(1, a);
        }
    }
}
