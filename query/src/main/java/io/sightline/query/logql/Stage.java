package io.sightline.query.logql;

import java.util.List;

/** One step of a log pipeline, as parsed. */
sealed interface Stage {
    /** {@code |= "a" or "b"}, {@code != "a"}, {@code |~ "re"}, {@code !~ "re"}. */
    record LineFilter(String op, List<String> values) implements Stage {
    }

    /** {@code | json} or {@code | json a="x.y", b} (params: label = JSON path; empty = everything). */
    record Json(List<String[]> params) implements Stage {
    }

    record Logfmt() implements Stage {
    }

    record Regexp(String pattern) implements Stage {
    }

    record Pattern(String pattern) implements Stage {
    }

    /** Label filters combined with {@code and}/{@code or}. */
    record LabelFilter(Filter filter) implements Stage {
    }

    record LineFormat(String template) implements Stage {
    }

    /** {@code | label_format a=b, c="{{...}}"}: rename when {@code isTemplate} is false. */
    record LabelFormat(List<Assignment> assignments) implements Stage {
    }

    record Assignment(String target, String source, boolean isTemplate) {
    }

    /**
     * {@code | drop a, b="x"} / {@code | keep a, b=~"x.*"}: a bare name applies to the label whatever its value,
     * a matcher only when the value matches.
     */
    record DropKeep(boolean keep, List<LabelMatch> labels) implements Stage {
    }

    /** A label name, with {@code op} ({@code = != =~ !~}) and {@code value}, or with an empty {@code op}. */
    record LabelMatch(String name, String op, String value) {
    }

    /** {@code | unwrap label}, {@code | unwrap duration(label)}, {@code | unwrap bytes(label)}. */
    record Unwrap(String label, String conversion) implements Stage {
    }

    record Decolorize() implements Stage {
    }

    /** A label filter expression. */
    sealed interface Filter {
    }

    record And(Filter left, Filter right) implements Filter {
    }

    record Or(Filter left, Filter right) implements Filter {
    }

    /** {@code name op value}; {@code kind} says how the value was written: string, number, duration or bytes. */
    record Comparison(String name, String op, String value, Token.Kind kind) implements Filter {
    }
}
