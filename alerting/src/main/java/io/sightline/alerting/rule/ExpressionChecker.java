package io.sightline.alerting.rule;

/** Checks that a rule expression (PromQL, or a LogQL metric query) parses, without evaluating it. */
@FunctionalInterface
public interface ExpressionChecker {
    /** @return null when {@code expr} parses, else the parse error */
    String parseError(String expr);
}
