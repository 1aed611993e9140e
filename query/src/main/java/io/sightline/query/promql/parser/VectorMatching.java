package io.sightline.query.promql.parser;

import java.util.List;

/**
 * How two vectors are matched: on or ignoring {@code labels}, and for group_left/group_right the extra
 * labels {@code include} to copy from the "one" side. {@code fillLeft}/{@code fillRight} (experimental
 * {@code fill()} modifiers) stand in for a missing left or right operand; null when not given.
 */
public record VectorMatching(Cardinality card, List<String> labels, boolean on, List<String> include,
                             Double fillLeft, Double fillRight) {
    public enum Cardinality { ONE_TO_ONE, MANY_TO_ONE, ONE_TO_MANY, MANY_TO_MANY }

    public VectorMatching(Cardinality card, List<String> labels, boolean on, List<String> include) {
        this(card, labels, on, include, null, null);
    }
}
