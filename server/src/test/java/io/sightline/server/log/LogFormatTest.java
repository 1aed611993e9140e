package io.sightline.server.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LogFormatTest {
    private static final long T = 1_767_225_600_123L; // 2026-01-01T00:00:00.123Z

    @Test
    void jsonLineIsOneObjectWithRequestIdErrorAndStack() throws Exception {
        String line = LogFormat.json(T, Level.ERROR, "io.sightline.query.api.Dispatcher", "sightline-api-worker-1",
                "HTTP handler failed [handler=/api/v1/query, path=\"/x\"]", Map.of("request_id", "00ff00ff00ff00ff"),
                new IllegalStateException("boom\nsecond line"));

        assertThat(line).endsWith("}\n").doesNotContain("\n{").hasLineCount(1);
        JsonNode j = new ObjectMapper().readTree(line);
        assertThat(j.path("time").asText()).isEqualTo("2026-01-01T00:00:00.123Z");
        assertThat(j.path("level").asText()).isEqualTo("ERROR");
        assertThat(j.path("logger").asText()).isEqualTo("io.sightline.query.api.Dispatcher");
        assertThat(j.path("thread").asText()).isEqualTo("sightline-api-worker-1");
        assertThat(j.path("message").asText()).isEqualTo("HTTP handler failed [handler=/api/v1/query, path=\"/x\"]");
        assertThat(j.path("request_id").asText()).isEqualTo("00ff00ff00ff00ff");
        assertThat(j.path("error").asText()).isEqualTo("java.lang.IllegalStateException: boom\nsecond line");
        assertThat(j.path("stack").asText()).contains("at io.sightline.server.log.LogFormatTest");
    }

    @Test
    void jsonLineWithoutErrorOrMdcHasOnlyTheBaseFields() throws Exception {
        JsonNode j = new ObjectMapper().readTree(LogFormat.json(T, Level.INFO, "a.B", "main", "started", Map.of(), null));
        assertThat(j.properties()).extracting(Map.Entry::getKey).containsExactly("time", "level", "logger", "thread", "message");
    }

    @Test
    void textLineKeepsTheSimpleLoggerLayoutAndAppendsMdc() {
        String line = LogFormat.text(T, Level.WARN, "io.sightline.server.Sightline", "main", "hello",
                Map.of("request_id", "abc"), null);
        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.123\\S* \\[main\\] \\[WARN\\] Sightline - hello request_id=abc\n");
    }
}
