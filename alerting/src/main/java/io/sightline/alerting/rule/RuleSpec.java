package io.sightline.alerting.rule;

import io.sightline.alerting.template.Template;

import java.util.Map;

/**
 * One rule as written in a rule file, validated. Immutable.
 *
 * @param isAlerting      {@code alert:} (true) or {@code record:} (false)
 * @param name            the alert name or the recorded metric name
 * @param labelTemplates  parsed label values, keyed like {@code labels}
 * @param annotationTemplates parsed annotation values, keyed like {@code annotations}
 */
public record RuleSpec(boolean isAlerting, String name, String expr, long forMillis, long keepFiringForMillis,
                       Map<String, String> labels, Map<String, String> annotations,
                       Map<String, Template> labelTemplates, Map<String, Template> annotationTemplates) {

    /** Identity for carrying state over a reload: same kind, name, expression, labels and timings. */
    String stateKey() {
        return (isAlerting ? "alert:" : "record:") + name + "\u0000" + expr + "\u0000" + labels + "\u0000" + forMillis
                + "\u0000" + keepFiringForMillis;
    }
}
