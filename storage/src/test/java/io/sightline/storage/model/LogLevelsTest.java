package io.sightline.storage.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogLevelsTest {
    private static void check(String line, String level) {
        assertThat(LogLevels.of("", 0, line)).as(line).isEqualTo(level);
    }

    @Test
    void severityTextThenNumberThenTheLine() {
        assertThat(LogLevels.of("WARNING", 17, "level=error")).isEqualTo("warn");
        assertThat(LogLevels.of("", 17, "level=info")).isEqualTo("error");
        assertThat(LogLevels.of("nonsense", 9, "")).isEqualTo("info");
    }

    @Test
    void findsLevelKeysInAnyCaseAndUpperCaseKeywordsNearTheStart() {
        check("ts=1 level=warn msg=x", "warn");
        check("ts=1 LEVEL=Error msg=x", "error");
        check("{\"ts\":1,\"level\":\"debug\"}", "debug");
        check("{\"ts\":1,\"Level\": \"INFO\"}", "info");
        check("lvl=crit x", "fatal");
        check("severity=notice x", "info");
        check("2024-01-01 ERROR something broke", "error");
        check("2024-01-01 [CRITICAL] disk", "fatal");
        check("GET /index 200", "unknown");
        check("", "unknown");
        check("x".repeat(300) + " ERROR late", "unknown");
    }

    @Test
    void anEarlierKeyKindWinsOverAPositionallyEarlierLaterKind() {
        check("severity=debug level=error", "error");
        check("INFO then ERROR", "error");
        check("level=bogus lvl=warn", "warn");
        check("severity=debug LEVEL=error", "error");
        check("{\"levels\":3,\"level\":\"warn\"}", "warn");
    }
}
