package io.sightline.alerting.rule;

import java.util.List;

/**
 * A rule group as written in a rule file. Immutable.
 *
 * @param file           the file it came from (as the API reports it)
 * @param intervalMillis evaluation interval; the global {@code evaluation_interval} when the group sets none
 * @param limit          the most alerts or series one evaluation may produce; 0 means no limit
 * @param queryOffsetMillis how far before the evaluation time the rules query (for late-arriving data)
 */
public record GroupSpec(String file, String name, long intervalMillis, int limit, long queryOffsetMillis,
                        List<RuleSpec> rules) {
    /** Files may reuse group names; the pair is unique (Prometheus's group key). */
    String key() {
        return file + ";" + name;
    }
}
