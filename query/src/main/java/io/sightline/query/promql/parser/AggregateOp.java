package io.sightline.query.promql.parser;

import java.util.Locale;

/** Aggregation operators; {@code paramType} is null for those without a parameter. */
public enum AggregateOp {
    SUM(null), AVG(null), COUNT(null), MIN(null), MAX(null), GROUP(null), STDDEV(null), STDVAR(null),
    TOPK(ValueType.SCALAR), BOTTOMK(ValueType.SCALAR), QUANTILE(ValueType.SCALAR), COUNT_VALUES(ValueType.STRING),
    LIMITK(ValueType.SCALAR), LIMIT_RATIO(ValueType.SCALAR);

    private final ValueType paramType;

    AggregateOp(ValueType paramType) {
        this.paramType = paramType;
    }

    public ValueType paramType() {
        return paramType;
    }

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    static AggregateOp byKeyword(String word) {
        for (AggregateOp op : values()) {
            if (op.keyword().equalsIgnoreCase(word)) {
                return op;
            }
        }
        return null;
    }
}
