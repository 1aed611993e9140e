package io.sightline.query.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.storage.LogAppender;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Logs Drilldown's field and label pickers: detected_fields, detected_field values and detected_labels. */
class LokiDetectedIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long S = 1_000_000_000L;

    @TempDir
    static Path dir;
    private static LokiTestServer server;
    private static long base;

    @BeforeAll
    static void start() {
        base = (System.currentTimeMillis() / 1000 - 600) * S;
        server = new LokiTestServer(dir, logs -> {
            LogAppender a = logs.appender();
            for (int i = 0; i < 30; i++) {
                Labels api = Labels.of("service_name", "api", "env", "prod");
                a.append(new LogRecord(api, base + i * S, 0, 9, "INFO",
                        "{\"status\":" + (200 + i % 3) + ",\"latency\":\"" + i + "ms\",\"user\":{\"id\":\"u" + (i % 5)
                                + "\"},\"ok\":true,\"tags\":[1,2]}", "", "", Labels.of("pod", "api-" + (i % 2))));
                Labels db = Labels.of("service_name", "db", "env", i % 2 == 0 ? "prod" : "dev");
                a.append(new LogRecord(db, base + i * S, 0, 13, "WARN", "level=warn table=t" + (i % 4) + " rows=" + i
                        + " size=" + i + "KB ratio=0." + i, "", "", Labels.EMPTY));
            }
            a.commit();
            logs.cutSegment();
            a.append(LogRecord.line(Labels.of("service_name", "api", "env", "prod"), base + 40 * S, "plain text line"));
            a.commit();
        });
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private JsonNode get(String path, String... params) throws IOException, InterruptedException {
        String[] all = new String[params.length + 4];
        all[0] = "start";
        all[1] = Long.toString(base - 60 * S);
        all[2] = "end";
        all[3] = Long.toString(base + 600 * S);
        System.arraycopy(params, 0, all, 4, params.length);
        HttpResponse<String> r = server.get(path, all);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static Map<String, JsonNode> byLabel(JsonNode fields) {
        Map<String, JsonNode> out = new HashMap<>();
        fields.path("fields").forEach(f -> out.put(f.path("label").asText(), f));
        return out;
    }

    @Test
    void detectsJsonFieldsWithTypesPathsAndCardinalityAndMetadataWithoutParser() throws Exception {
        // Logs Drilldown's fields request.
        JsonNode r = get("/loki/api/v1/detected_fields", "query",
                "{service_name=\"api\"} | json | logfmt | drop __error__, __error_details__", "limit", "1000", "line_limit", "1000");
        Map<String, JsonNode> f = byLabel(r);
        assertThat(r.has("status")).isFalse();
        assertThat(r.path("limit").asInt()).isEqualTo(1000);
        assertThat(f.get("status").path("type").asText()).isEqualTo("int");
        assertThat(f.get("status").path("cardinality").asInt()).isEqualTo(3);
        assertThat(f.get("status").path("parsers").toString()).isEqualTo("[\"json\"]");
        assertThat(f.get("latency").path("type").asText()).isEqualTo("duration");
        assertThat(f.get("ok").path("type").asText()).isEqualTo("boolean");
        assertThat(f.get("user_id").path("jsonPath").toString()).isEqualTo("[\"user\",\"id\"]");
        assertThat(f.get("user_id").path("cardinality").asInt()).isEqualTo(5);
        assertThat(f.get("pod").path("parsers").isNull()).isTrue();
        assertThat(f.get("pod").path("cardinality").asInt()).isEqualTo(2);
        assertThat(f).containsKey("detected_level").doesNotContainKeys("service_name", "tags", "plain", "__error__");
    }

    @Test
    void detectsLogfmtFieldsAndHonoursTheQueryFilterAndLineLimit() throws Exception {
        Map<String, JsonNode> f = byLabel(get("/loki/api/v1/detected_fields", "query", "{service_name=\"db\"} |= \"table=t1\""));
        assertThat(f.get("table").path("cardinality").asInt()).isEqualTo(1);
        assertThat(f.get("rows").path("type").asText()).isEqualTo("int");
        assertThat(f.get("size").path("type").asText()).isEqualTo("bytes");
        assertThat(f.get("ratio").path("type").asText()).isEqualTo("float");
        assertThat(f.get("table").path("parsers").toString()).isEqualTo("[\"logfmt\"]");
        Map<String, JsonNode> newest = byLabel(get("/loki/api/v1/detected_fields", "query", "{service_name=\"db\"}", "line_limit", "2"));
        assertThat(newest.get("rows").path("cardinality").asInt()).isEqualTo(2);
    }

    @Test
    void listsTheValuesOfOneField() throws Exception {
        JsonNode v = get("/loki/api/v1/detected_field/status/values", "query", "{service_name=\"api\"}");
        assertThat(v.path("values").toString()).isEqualTo("[\"200\",\"201\",\"202\"]");
        JsonNode none = get("/loki/api/v1/detected_field/nothing/values", "query", "{service_name=\"api\"}");
        assertThat(none.toString()).isEqualTo("{}");
    }

    @Test
    void detectedLabelsCountValuesPerStreamLabel() throws Exception {
        JsonNode all = get("/loki/api/v1/detected_labels", "query", "{service_name=~\".+\"}");
        assertThat(all.path("detectedLabels").toString())
                .isEqualTo("[{\"label\":\"env\",\"cardinality\":2},{\"label\":\"service_name\",\"cardinality\":2}]");
        JsonNode api = get("/loki/api/v1/detected_labels", "query", "{service_name=\"api\"}");
        assertThat(api.path("detectedLabels").toString())
                .isEqualTo("[{\"label\":\"env\",\"cardinality\":1},{\"label\":\"service_name\",\"cardinality\":1}]");
    }

    @Test
    void patternsGroupLinesThatDifferOnlyInValuesWithCountsPerStep() throws Exception {
        JsonNode r = get("/loki/api/v1/patterns", "query", "{service_name=\"db\"}", "step", "10s");
        assertThat(r.path("status").asText()).isEqualTo("success");
        JsonNode data = r.path("data");
        assertThat(data).hasSize(1);
        assertThat(data.get(0).path("pattern").asText()).isEqualTo("level=warn table=<_> rows=<_> size=<_> ratio=<_>");
        long total = 0;
        for (JsonNode s : data.get(0).path("samples")) {
            assertThat(s.get(0).isNumber()).isTrue();
            total += s.get(1).asLong();
        }
        assertThat(total).isEqualTo(30);
        assertThat(data.get(0).path("samples").get(0).toString()).isEqualTo("[" + base / S + ",10]");
    }
}
