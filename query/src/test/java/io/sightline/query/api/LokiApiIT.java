package io.sightline.query.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.storage.LogAppender;
import io.sightline.storage.LogStore;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The Loki API on the real HTTP server and log store, driven with the requests Grafana's Loki data source sends. */
class LokiApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long S = 1_000_000_000L;

    @TempDir
    static Path dir;
    private static LokiTestServer server;
    private static LogStore logs;
    private static long base;

    @BeforeAll
    static void start() {
        base = (System.currentTimeMillis() / 1000 - 600) * S;
        server = new LokiTestServer(dir, store -> {
            LogAppender a = store.appender();
            for (int i = 0; i < 120; i++) {
                Labels stream = Labels.of("service_name", i % 3 == 0 ? "db" : "api", "env", "prod");
                a.append(new LogRecord(stream, base + i * S, 0, i % 10 == 0 ? 17 : 9, i % 10 == 0 ? "ERROR" : "INFO",
                        "request " + i + " took " + (i % 7) + "ms", "", "", Labels.EMPTY));
            }
            a.commit();
            store.cutSegment();
        });
        logs = server.logs();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path, String... params) throws IOException, InterruptedException {
        return server.get(path, params);
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static int entries(JsonNode j) {
        int n = 0;
        for (JsonNode s : j.path("data").path("result")) {
            n += s.path("values").size();
        }
        return n;
    }

    @Test
    void grafanaHealthCheckAndLabelBrowserSeeTheStreams() throws Exception {
        String start = Long.toString(base - 60 * S);
        String end = Long.toString(base + 600 * S);
        JsonNode labels = json(get("/loki/api/v1/labels", "start", start, "end", end));
        assertThat(labels.path("status").asText()).isEqualTo("success");
        assertThat(labels.path("data").toString()).isEqualTo("[\"env\",\"service_name\"]");
        JsonNode values = json(get("/loki/api/v1/label/service_name/values", "start", start, "end", end, "query", "{env=\"prod\"}"));
        assertThat(values.path("data").toString()).isEqualTo("[\"api\",\"db\"]");
        JsonNode series = json(get("/loki/api/v1/series", "match[]", "{service_name=\"db\"}", "start", start, "end", end));
        assertThat(series.path("data").toString()).isEqualTo("[{\"env\":\"prod\",\"service_name\":\"db\"}]");
        JsonNode stats = json(get("/loki/api/v1/index/stats", "query", "{service_name=\"db\"}", "start", start, "end", end));
        assertThat(stats.path("streams").asLong()).isEqualTo(1);
        assertThat(stats.path("entries").asLong()).isEqualTo(40);
        assertThat(json(get("/loki/api/v1/status/buildinfo")).path("version").asText()).startsWith("3.");
    }

    @Test
    void queryRangeAcceptsNanosecondsSecondsAndRfc3339AndHonoursDirectionAndLimit() throws Exception {
        String q = "{service_name=\"api\"} |= \"took 3ms\"";
        JsonNode ns = json(get("/loki/api/v1/query_range", "query", q, "start", Long.toString(base), "end",
                Long.toString(base + 200 * S), "limit", "1000", "direction", "forward"));
        JsonNode seconds = json(get("/loki/api/v1/query_range", "query", q, "start", Long.toString(base / S), "end",
                (base / S + 200) + ".0", "limit", "1000"));
        JsonNode rfc = json(get("/loki/api/v1/query_range", "query", q, "start", Instant.ofEpochSecond(base / S).toString(),
                "end", Instant.ofEpochSecond(base / S + 200).toString(), "limit", "1000"));
        assertThat(entries(ns)).isEqualTo(entries(seconds)).isEqualTo(entries(rfc)).isEqualTo(11);
        JsonNode first = ns.path("data").path("result").get(0);
        assertThat(first.path("values").get(0).get(0).asText()).isEqualTo(Long.toString(base + 10 * S)); // request 10: the oldest api line that took 3ms
        JsonNode newest = json(get("/loki/api/v1/query_range", "query", "{env=\"prod\"}", "start", Long.toString(base), "end",
                Long.toString(base + 200 * S), "limit", "2"));
        assertThat(entries(newest)).isEqualTo(2);
        assertThat(newest.toString()).contains("request 119 ", "request 118 ");
        assertThat(newest.path("data").path("stats").path("summary").has("totalLinesProcessed")).isTrue();
    }

    @Test
    void metricQueriesAnswerMatrixAndVectorAsLokiDoes() throws Exception {
        JsonNode matrix = json(get("/loki/api/v1/query_range", "query",
                "sum by (detected_level) (count_over_time({env=\"prod\"}[1m]))", "start", Long.toString(base + 59 * S),
                "end", Long.toString(base + 119 * S), "step", "60s"));
        assertThat(matrix.path("data").path("resultType").asText()).isEqualTo("matrix");
        JsonNode series = matrix.path("data").path("result");
        assertThat(series).hasSize(2);
        assertThat(series.get(0).path("metric").path("detected_level").asText()).isEqualTo("error");
        assertThat(series.get(0).path("values").toString())
                .isEqualTo("[[" + (base / S + 59) + ",\"6\"],[" + (base / S + 119) + ",\"6\"]]");
        JsonNode vector = json(get("/loki/api/v1/query", "query", "sum(rate({service_name=\"db\"}[1m]))",
                "time", Long.toString(base + 119 * S)));
        assertThat(vector.path("data").path("resultType").asText()).isEqualTo("vector");
        assertThat(vector.path("data").path("result").get(0).path("value").get(1).asText()).isEqualTo("0.3333333333333333");
    }

    @Test
    void badRequestsGetPlainTextErrorsNamingTheProblem() throws Exception {
        HttpResponse<String> parse = get("/loki/api/v1/query_range", "query", "{service_name=\"api\"");
        assertThat(parse.statusCode()).isEqualTo(400);
        assertThat(parse.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(parse.body()).contains("parse error");
        assertThat(get("/loki/api/v1/query_range", "query", "{a=\"b\"}", "direction", "sideways").body()).contains("direction");
        assertThat(get("/loki/api/v1/query_range", "query", "{a=\"b\"}", "start", "yesterday").body())
                .contains("invalid parameter \"start\"");
        assertThat(get("/loki/api/v1/query_range").body()).contains("missing required parameter \"query\"");
        assertThat(get("/loki/api/v1/query_range", "query", "{a=\"b\"}", "limit", "999999").statusCode()).isEqualTo(400);
    }

    @Test
    void volumeRanksServicesByBytesFromTheIndexAsDrilldownAsks() throws Exception {
        String start = Long.toString(base - 60 * S);
        String end = Long.toString(base + 600 * S);
        // Logs Drilldown's service list: every service_name, largest first.
        JsonNode v = json(get("/loki/api/v1/index/volume", "query", "{service_name=~\".+\"}", "start", start, "end", end,
                "limit", "5000"));
        assertThat(v.path("data").path("resultType").asText()).isEqualTo("vector");
        JsonNode result = v.path("data").path("result");
        assertThat(result).hasSize(2);
        assertThat(result.get(0).path("metric").toString()).isEqualTo("{\"service_name\":\"api\"}");
        assertThat(result.get(1).path("metric").toString()).isEqualTo("{\"service_name\":\"db\"}");
        double api = result.get(0).path("value").get(1).asDouble();
        double db = result.get(1).path("value").get(1).asDouble();
        assertThat(api).isGreaterThan(db).isGreaterThan(0);
        assertThat(result.get(0).path("value").get(0).asLong()).isEqualTo(base / S + 600);

        JsonNode byEnv = json(get("/loki/api/v1/index/volume", "query", "{service_name=~\".+\"}", "start", start, "end", end,
                "targetLabels", "env"));
        assertThat(byEnv.path("data").path("result")).hasSize(1);
        assertThat(byEnv.path("data").path("result").get(0).path("metric").toString()).isEqualTo("{\"env\":\"prod\"}");
        assertThat(byEnv.path("data").path("result").get(0).path("value").get(1).asDouble()).isEqualTo(api + db);
        JsonNode byName = json(get("/loki/api/v1/index/volume", "query", "{env=\"prod\", service_name=\"db\"}", "start", start,
                "end", end, "aggregateBy", "labels"));
        assertThat(byName.path("data").path("result").findValuesAsText("service_name")).containsExactly("");
        assertThat(byName.path("data").path("result")).hasSize(2);
        JsonNode top1 = json(get("/loki/api/v1/index/volume", "query", "{service_name=~\".+\"}", "start", start, "end", end,
                "limit", "1"));
        assertThat(top1.path("data").path("result")).hasSize(1);

        JsonNode range = json(get("/loki/api/v1/index/volume_range", "query", "{service_name=~\".+\"}", "start",
                Long.toString(base + 59 * S), "end", Long.toString(base + 179 * S), "step", "60"));
        assertThat(range.path("data").path("resultType").asText()).isEqualTo("matrix");
        double sum = 0;
        for (JsonNode s : range.path("data").path("result")) {
            for (JsonNode p : s.path("values")) {
                sum += p.get(1).asDouble();
            }
        }
        assertThat(sum).isEqualTo(api + db);
        assertThat(get("/loki/api/v1/index/volume", "query", "{a=~\".*\"}").statusCode()).isEqualTo(400);
        assertThat(get("/loki/api/v1/index/volume", "query", "{a=\"b\"}", "aggregateBy", "pods").body()).contains("aggregateBy");
    }

    @Test
    void volumeOfHeadRecordsCountsTheirBodyBytesPerStep() throws Exception {
        long t0 = base - 3600 * S;
        LogAppender a = logs.appender();
        a.append(LogRecord.line(Labels.of("service_name", "edge", "env", "staging"), t0 + 10 * S, "12345"));
        a.append(LogRecord.line(Labels.of("service_name", "edge", "env", "staging"), t0 + 70 * S, "1234567"));
        a.append(LogRecord.line(Labels.of("service_name", "edge", "env", "staging"), t0 + 75 * S, "12"));
        a.commit();
        JsonNode range = json(get("/loki/api/v1/index/volume_range", "query", "{env=\"staging\"}", "start",
                Long.toString(t0 + 60 * S), "end", Long.toString(t0 + 120 * S), "step", "60s"));
        JsonNode series = range.path("data").path("result");
        assertThat(series).hasSize(1);
        assertThat(series.get(0).path("metric").toString()).isEqualTo("{\"env\":\"staging\"}");
        assertThat(series.get(0).path("values").toString())
                .isEqualTo("[[" + (t0 / S + 60) + ",\"5\"],[" + (t0 / S + 120) + ",\"9\"]]");
    }
}
