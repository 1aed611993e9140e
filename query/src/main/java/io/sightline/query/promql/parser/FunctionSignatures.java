package io.sightline.query.promql.parser;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.sightline.query.promql.parser.ValueType.MATRIX;
import static io.sightline.query.promql.parser.ValueType.SCALAR;
import static io.sightline.query.promql.parser.ValueType.STRING;
import static io.sightline.query.promql.parser.ValueType.VECTOR;

/** The functions the parser knows, with their signatures (Prometheus's {@code functions.go} list). */
public final class FunctionSignatures {
    private static final Map<String, FunctionSignature> BY_NAME = new HashMap<>();

    static {
        for (String n : List.of("abs", "ceil", "floor", "exp", "ln", "log2", "log10", "sqrt", "sgn", "absent",
                "timestamp", "sort", "sort_desc", "acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh",
                "sin", "sinh", "tan", "tanh", "deg", "rad")) {
            add(n, VECTOR, 0, VECTOR);
        }
        for (String n : List.of("rate", "irate", "increase", "delta", "idelta", "deriv", "changes", "resets",
                "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time",
                "stddev_over_time", "stdvar_over_time", "last_over_time", "present_over_time", "absent_over_time",
                "mad_over_time", "ts_of_min_over_time", "ts_of_max_over_time", "ts_of_last_over_time",
                "ts_of_first_over_time", "first_over_time")) {
            add(n, VECTOR, 0, MATRIX);
        }
        for (String n : List.of("minute", "hour", "day_of_month", "day_of_week", "day_of_year", "days_in_month",
                "month", "year")) {
            add(n, VECTOR, 1, VECTOR);
        }
        add("quantile_over_time", VECTOR, 0, SCALAR, MATRIX);
        add("predict_linear", VECTOR, 0, MATRIX, SCALAR);
        add("double_exponential_smoothing", VECTOR, 0, MATRIX, SCALAR, SCALAR);
        add("clamp", VECTOR, 0, VECTOR, SCALAR, SCALAR);
        add("clamp_min", VECTOR, 0, VECTOR, SCALAR);
        add("clamp_max", VECTOR, 0, VECTOR, SCALAR);
        add("round", VECTOR, 1, VECTOR, SCALAR);
        add("histogram_quantile", VECTOR, 0, SCALAR, VECTOR);
        add("histogram_quantiles", VECTOR, -1, VECTOR, STRING, SCALAR);
        add("histogram_fraction", VECTOR, 0, SCALAR, SCALAR, VECTOR);
        add("label_replace", VECTOR, 0, VECTOR, STRING, STRING, STRING, STRING);
        add("label_join", VECTOR, -1, VECTOR, STRING, STRING, STRING);
        add("sort_by_label", VECTOR, -1, VECTOR, STRING);
        add("sort_by_label_desc", VECTOR, -1, VECTOR, STRING);
        add("vector", VECTOR, 0, SCALAR);
        add("info", VECTOR, 1, VECTOR, VECTOR);
        add("scalar", SCALAR, 0, VECTOR);
        add("time", SCALAR, 0);
        add("step", SCALAR, 0);
        add("range", SCALAR, 0);
        add("start", SCALAR, 0);
        add("end", SCALAR, 0);
        add("min_of", SCALAR, 0, SCALAR, SCALAR);
        add("max_of", SCALAR, 0, SCALAR, SCALAR);
        add("pi", SCALAR, 0);
    }

    private FunctionSignatures() {
    }

    private static void add(String name, ValueType ret, int variadic, ValueType... args) {
        BY_NAME.put(name, new FunctionSignature(name, List.of(args), variadic, ret));
    }

    /** The signature, or null for an unknown function. */
    public static FunctionSignature get(String name) {
        return BY_NAME.get(name);
    }
}
