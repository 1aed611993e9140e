package io.sightline.alerting.rule;

import java.util.List;

/** Rule files that failed validation; the message lists every error, each naming file, group and rule. */
public final class RuleLoadException extends RuntimeException {
    private final List<String> errors;

    public RuleLoadException(List<String> errors) {
        super(String.join("\n", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
