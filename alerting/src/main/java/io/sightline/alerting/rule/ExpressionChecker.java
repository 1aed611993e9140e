package io.sightline.alerting.rule;

/** Checks that a PromQL expression parses; the seam lets load-time validation run without the real data. */
@FunctionalInterface
public interface ExpressionChecker {
    /** @return null when {@code expr} parses, else the parse error */
    String parseError(String expr);
}
