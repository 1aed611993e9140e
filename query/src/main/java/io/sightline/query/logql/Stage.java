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

    /** {@code | drop a, b} / {@code | keep a, b}. */
    record DropKeep(boolean keep, List<String> labels) implements Stage {
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
