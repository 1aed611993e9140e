package io.sightline.query.promql.parser;

import java.util.Set;

/** PromQL keywords (lexed as identifiers; case-insensitive). */
final class Keywords {
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "atan2", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "bool", "start", "end", "sum", "avg", "count", "min", "max",
            "group", "stddev", "stdvar", "topk", "bottomk", "count_values", "quantile", "limitk", "limit_ratio");

    private Keywords() {
    }

    static boolean isKeyword(String word) {
        return KEYWORDS.contains(word.toLowerCase());
    }
}
