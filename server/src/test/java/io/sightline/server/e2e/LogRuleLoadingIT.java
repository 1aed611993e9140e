package io.sightline.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.server.Sightline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A rule file may alert on logs: LogQL metric queries load beside PromQL ones; a plain log query is refused. */
class LogRuleLoadingIT {
    @TempDir
    Path dir;

    @Test
    void aLogqlMetricQueryLoadsAsAnAlertingRule() throws Exception {
        Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: logs
                    rules:
                      - alert: PaymentErrors
                        expr: sum by (service_name) (count_over_time({service_name="api"} |= "payment failed" [5m])) > 10
                      - alert: Up
                        expr: up == 0
                """);
        try (Sightline s = TestServer.start(dir.resolve("data"), "rule_files", dir + "/rules.yml")) {
            JsonNode groups = new ApiClient(s.httpPort()).get("/api/v1/rules").json().path("data").path("groups");
            assertThat(groups.get(0).path("rules").findValuesAsText("name")).containsExactly("PaymentErrors", "Up");
        }
    }

    @Test
    void aPlainLogQueryIsRefusedAtLoadNamingTheRule() throws Exception {
        Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: logs
                    rules:
                      - alert: RawLines
                        expr: '{service_name="api"} |= "payment failed"'
                """);
        assertThatThrownBy(() -> TestServer.start(dir.resolve("data"), "rule_files", dir + "/rules.yml"))
                .hasMessageContaining("RawLines").hasMessageContaining("a log query cannot be a rule expression");
    }
}
