package io.sightline.query;

import java.util.List;

/**
 * The value of a query plus its annotations.
 *
 * @param value    a {@link Value}: scalar, string, vector or matrix
 * @param warnings annotations Prometheus returns as {@code warnings}
 * @param infos    annotations Prometheus returns as {@code infos}
 * @param stats    statistics when requested, else null
 */
public record QueryResult(Value value, List<String> warnings, List<String> infos, QueryStats stats) {
}
