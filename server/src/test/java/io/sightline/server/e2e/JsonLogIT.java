package io.sightline.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code log.format: json} every line Sightline writes is one JSON object, and an error logged while a request
 * is handled carries the request id the client got in {@code X-Request-Id} (Logback's JsonEncoder: MDC under
 * {@code mdc}).
 */
class JsonLogIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void everyLineIsJsonAndAnErrorDuringARequestCarriesItsRequestId() throws Exception {
        Path rules = Files.writeString(tmp.resolve("rules.yml"), "groups: []\n");
        Path config = Files.writeString(tmp.resolve("sightline.yml"), "log:\n  format: json\nrule_files: [" + rules + "]\n");
        Path log = tmp.resolve("child.log");
        String requestId;
        try (ChildSightline child = ChildSightline.start(tmp.resolve("data"), log, "--config", config.toString())) {
            Files.writeString(rules, "groups: [ {name: broken, rules: [ {alert: X, expr: 'sum(' } ] } ]\n");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + child.httpPort + "/-/reload")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(500);
            requestId = r.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(child.terminate()).isIn(0, 143);
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.isBlank() || line.startsWith("WARNING:")) {
                continue; // the JVM's own warnings (native access, Unsafe) are not ours to format
            }
            JsonNode j = JSON.readTree(line);
            assertThat(j.isObject()).as(line).isTrue();
            assertThat(j.path("timestamp").asLong()).as(line).isPositive();
            assertThat(j.path("level").asText()).as(line).isIn("ERROR", "WARN", "INFO", "DEBUG", "TRACE");
            lines.add(j);
        }
        assertThat(lines).anySatisfy(j -> assertThat(j.path("formattedMessage").asText()).contains("started in"));
        assertThat(lines).anySatisfy(j -> {
            assertThat(j.path("level").asText()).isEqualTo("ERROR");
            assertThat(j.path("formattedMessage").asText()).contains("alerting reload failed");
            assertThat(j.path("mdc").path("request_id").asText()).isEqualTo(requestId);
        });
    }
}
