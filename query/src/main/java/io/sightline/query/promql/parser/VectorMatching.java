package io.sightline.query.promql.parser;

import java.util.List;

/**
 * How two vectors are matched: on or ignoring {@code labels}, and for group_left/group_right the extra
 * labels {@code include} to copy from the "one" side.
 */
public record VectorMatching(Cardinality card, List<String> labels, boolean on, List<String> include) {
    public enum Cardinality { ONE_TO_ONE, MANY_TO_ONE, ONE_TO_MANY, MANY_TO_MANY }
}
