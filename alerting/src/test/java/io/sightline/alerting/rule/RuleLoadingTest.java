package io.sightline.alerting.rule;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RuleLoadingTest {
    @TempDir
    Path dir;

    @Test
    void badExpressionNamesFileGroupRuleAndTheParseError() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.yml"), """
                groups:
                  - name: api
                    rules:
                      - alert: Ok
                        expr: up == 0
                      - alert: Broken
                        expr: sum(rate(http_requests_total[5m]) by (job)
                """);
        try (RuleTestSupport s = new RuleTestSupport(dir.resolve("data"))) {
            RuleLoadException e = catchThrowableOfType(RuleLoadException.class, () -> s.manager.load(List.of(f.toString())));
            assertThat(e.errors()).singleElement().asString()
                    .startsWith(f + ": 7:15: group \"api\", rule 2, \"Broken\": could not parse expression: ");
        }
    }

    @Test
    void reportsEveryStructuralErrorLikePromtool() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.yml"), """
                groups:
                  - name: g
                    rules:
                      - alert: A
                        record: b
                        expr: up
                      - record: "bad name"
                        expr: up
                      - alert: C
                        expr: up
                        for: 5 minutes
                        annotations:
                          summary: "{{ humanise $value }}"
                      - alert: D
                        expr: up
                        severity: page
                  - name: g
                    rules: []
                """);
        try (RuleTestSupport s = new RuleTestSupport(dir.resolve("data"))) {
            RuleLoadException e = catchThrowableOfType(RuleLoadException.class, () -> s.manager.load(List.of(f.toString())));
            assertThat(e.errors()).containsExactly(
                    f + ": group \"g\", rule 1, \"A\": one of 'record' or 'alert' must be set",
                    f + ": group \"g\", rule 2, \"bad name\": invalid recording rule name: bad name",
                    f + ": group \"g\", rule 3, \"C\": for: not a valid duration string: \"5 minutes\" (use e.g. 30s, 5m, 1h30m)",
                    f + ": group \"g\", rule 3, \"C\": annotation \"summary\": template: __alert_C: function \"humanise\" not defined",
                    f + ": group \"g\", rule 4, \"D\": field severity not found in type rulefmt.Rule",
                    f + ": g: repeated in the same file");
        }
    }

    @Test
    void aBadReloadKeepsTheOldRulesRunning() throws Exception {
        Path f = Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: g
                    rules:
                      - alert: A
                        expr: up == 0
                """);
        try (RuleTestSupport s = new RuleTestSupport(dir.resolve("data"))) {
            s.manager.load(List.of(dir + "/*.yml"));
            List<RuleGroup> before = s.manager.groups();
            Files.writeString(f, "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up ==\n");
            assertThatThrownBy(() -> s.manager.load(List.of(dir + "/*.yml")))
                    .isInstanceOf(RuleLoadException.class).hasMessageContaining("could not parse expression");
            assertThat(s.manager.groups()).isSameAs(before);
            assertThat(s.manager.groups().getFirst().rules().getFirst().spec().expr()).isEqualTo("up == 0");
        }
    }

    @Test
    void yamlSyntaxErrorsNameTheFileAndLine() throws Exception {
        Path f = Files.writeString(dir.resolve("broken.yml"), "groups:\n  - name: g\n   rules: [\n");
        try (RuleTestSupport s = new RuleTestSupport(dir.resolve("data"))) {
            RuleLoadException e = catchThrowableOfType(RuleLoadException.class, () -> s.manager.load(List.of(f.toString())));
            assertThat(e.getMessage()).startsWith(f + ": ").contains("line 3");
        }
    }

    @Test
    void aGroupRemovedByReloadEndsItsSeriesWithStaleMarkers() throws Exception {
        Path f = Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: g
                    rules:
                      - record: two
                        expr: vector(2)
                """);
        try (RuleTestSupport s = new RuleTestSupport(dir.resolve("data"))) {
            s.manager.load(List.of(f.toString()));
            long now = System.currentTimeMillis();
            s.evaluateAll(now - 1_000);
            assertThat(s.query("two", now - 500)).hasSize(1);
            Files.writeString(f, "groups: []\n");
            s.manager.load(List.of(f.toString()));
            assertThat(s.manager.groups()).isEmpty();
            assertThat(s.query("two", now + 1_000)).isEmpty();
        }
    }
}
