package io.sightline.query.logql;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.query.LogQueryConfig;
import io.sightline.query.LogQueryEngine;
import io.sightline.query.LogQueryResult;
import io.sightline.query.QueryException;
import io.sightline.query.Value;
import io.sightline.storage.LogAppender;
import io.sightline.storage.LogStore;
import io.sightline.storage.LogStoreConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LogQL over the real log store: streams, filters, parsers, formatting and metric queries. */
class LogQlEngineTest {
    private static final long S = 1_000_000_000L;
    private static final Labels API = Labels.of("service_name", "api", "env", "prod");
    private static final Labels WEB = Labels.of("service_name", "web", "env", "prod");

    @TempDir
    Path dir;
    private LogStore store;
    private LogQueryEngine engine;

    @BeforeEach
    void open() {
        store = LogStore.open(new LogStoreConfig(dir, 3_600_000, 64 << 20, 100L * 365 * 86_400_000, WalSyncMode.NEVER, 1000),
                OpenTelemetry.noop().getMeter("t"));
        engine = LogQueryEngine.create(store, LogQueryConfig.defaults());
        LogAppender a = store.appender();
        // 60 lines over 60 s: api writes JSON every second, errors every 10th; web writes logfmt every 2 s.
        for (int i = 0; i < 60; i++) {
            String level = i % 10 == 0 ? "error" : "info";
            a.append(new LogRecord(API, (1000 + i) * S, 0, 0, "", "{\"level\":\"" + level + "\",\"status\":" + (i % 10 == 0 ? 500 : 200)
                    + ",\"latency\":\"" + (i + 1) + "ms\",\"req\":{\"path\":\"/cart\"},\"msg\":\"request " + i + "\"}",
                    "", "", Labels.of("pod", "p1")));
            if (i % 2 == 0) {
                a.append(LogRecord.line(WEB, (1000 + i) * S, "level=info method=GET path=\"/home page\" bytes=" + (i * 10) + " took=1.5s"));
            }
        }
        a.commit();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private List<String> lines(String q, int limit, boolean forward) {
        LogQueryResult r = engine.rangeQuery(q, 1000 * S, 1060 * S, S, limit, forward);
        assertThat(r.isStreams()).isTrue();
        // Order across streams by time in the query's direction, as Grafana shows them.
        return r.streams().stream().flatMap(s -> s.entries().stream())
                .sorted((x, y) -> forward ? Long.compare(x.timestampNanos(), y.timestampNanos()) : Long.compare(y.timestampNanos(), x.timestampNanos()))
                .map(LogQueryResult.Entry::line).toList();
    }

    private Map<String, double[]> matrix(String q, long start, long end, long step) {
        Value v = engine.rangeQuery(q, start, end, step, 100, true).metric();
        Map<String, double[]> out = new TreeMap<>();
        for (Value.SeriesPoints s : ((Value.Matrix) v).series()) {
            out.put(s.labels().toString(), java.util.Arrays.copyOf(s.values(), s.count()));
        }
        return out;
    }

    @Test
    void lineFiltersChainAndLimitKeepsTheNewestInBackwardDirection() {
        assertThat(lines("{service_name=\"api\"} |= \"request 1\" != \"request 15\"", 100, true))
                .hasSize(10).allMatch(l -> l.contains("request 1")).noneMatch(l -> l.contains("request 15"));
        assertThat(lines("{env=\"prod\"} |~ \"request [0-9]$|request 5[0-9]\\\"\"", 3, false))
                .containsExactly("{\"level\":\"info\",\"status\":200,\"latency\":\"60ms\",\"req\":{\"path\":\"/cart\"},\"msg\":\"request 59\"}",
                        "{\"level\":\"info\",\"status\":200,\"latency\":\"59ms\",\"req\":{\"path\":\"/cart\"},\"msg\":\"request 58\"}",
                        "{\"level\":\"info\",\"status\":200,\"latency\":\"58ms\",\"req\":{\"path\":\"/cart\"},\"msg\":\"request 57\"}");
        assertThat(lines("{service_name=\"web\"} !~ \"bytes=[0-9]0\\\\b\"", 100, true)).hasSize(26);
    }

    @Test
    void jsonParserLabelFiltersAndLineFormat() {
        assertThat(lines("{service_name=\"api\"} | json | status >= 500 | line_format \"{{.req_path}} {{.msg | upper}}\"", 100, true))
                .containsExactly("/cart REQUEST 0", "/cart REQUEST 10", "/cart REQUEST 20", "/cart REQUEST 30", "/cart REQUEST 40", "/cart REQUEST 50");
        assertThat(lines("{service_name=\"api\"} | json lat=\"latency\", p=\"req.path\" | lat > 55ms and p=\"/cart\"", 100, true)).hasSize(5);
        assertThat(lines("{service_name=\"api\"} | detected_level=\"error\"", 100, true)).hasSize(6);
    }

    @Test
    void logfmtRegexpAndPatternParsers() {
        assertThat(lines("{service_name=\"web\"} | logfmt | path=\"/home page\" | bytes > 500 | line_format \"{{.method}} {{.bytes}}\"", 100, true))
                .containsExactly("GET 520", "GET 540", "GET 560", "GET 580");
        assertThat(lines("{service_name=\"web\"} | regexp \"bytes=(?P<b_count>\\\\d+)\" | b_count=\"40\"", 100, true)).hasSize(1);
        assertThat(lines("{service_name=\"web\"} | pattern \"level=<lvl> method=<m> <_> took=<took>\" | took > 1s | m=\"GET\"", 100, true)).hasSize(30);
        assertThat(lines("{service_name=\"web\"} | logfmt | label_format verb=method | line_format \"{{.verb}}-{{.method}}\"", 1, true))
                .containsExactly("GET-");
    }

    @Test
    void countOverTimeAndRateSumByService() {
        Map<String, double[]> m = matrix("sum by (service_name) (count_over_time({env=\"prod\"}[10s]))", 1010 * S, 1030 * S, 10 * S);
        assertThat(m.get("{service_name=\"api\"}")).containsExactly(10, 10, 10);
        assertThat(m.get("{service_name=\"web\"}")).containsExactly(5, 5, 5);
        Map<String, double[]> rate = matrix("sum(rate({service_name=\"api\"} |= \"\\\"level\\\":\\\"error\\\"\" [20s]))", 1020 * S, 1020 * S, S);
        assertThat(rate.get("{}")).containsExactly(2 / 20.0);
        Map<String, double[]> bytes = matrix("sum(bytes_over_time({service_name=\"web\"} |= \"bytes=0 \" [1m]))", 1059 * S, 1059 * S, S);
        assertThat(bytes.get("{}")).containsExactly("level=info method=GET path=\"/home page\" bytes=0 took=1.5s".length());
    }

    @Test
    void unwrapTopkAndBinaryOperators() {
        Map<String, double[]> m = matrix("max_over_time({service_name=\"api\"} | json | unwrap duration(latency) [1m]) by (service_name)",
                1059 * S, 1059 * S, S);
        assertThat(m.get("{service_name=\"api\"}")).containsExactly(0.06);
        Value v = engine.instantQuery("topk(1, sum by (service_name) (count_over_time({env=\"prod\"}[1m])))", 1059 * S, 100, true).metric();
        assertThat(((Value.Vector) v).samples()).singleElement().satisfies(s -> {
            assertThat(s.labels()).isEqualTo(Labels.of("service_name", "api"));
            assertThat(s.value()).isEqualTo(60);
        });
        Value ratio = engine.instantQuery("sum(count_over_time({service_name=\"api\"} | json | level=\"error\" [1m])) / sum(count_over_time({service_name=\"api\"}[1m])) * 100",
                1059 * S, 100, true).metric();
        assertThat(((Value.Vector) ratio).samples().getFirst().value()).isEqualTo(10.0);
        Value filtered = engine.instantQuery("sum by (service_name) (count_over_time({env=\"prod\"}[1m])) > 40", 1059 * S, 100, true).metric();
        assertThat(((Value.Vector) filtered).samples()).extracting(Value.Sample::labels).containsExactly(Labels.of("service_name", "api"));
    }

    @Test
    void parseErrorsNameThePositionAndWhatWasExpected() {
        assertThatThrownBy(() -> engine.rangeQuery("{service_name=\"api\"", 0, S, S, 10, true))
                .isInstanceOf(QueryException.class).hasMessageContaining("position").hasMessageContaining("\",\" or \"}\"");
        assertThatThrownBy(() -> engine.rangeQuery("{service_name=~\".*\"}", 0, S, S, 10, true))
                .hasMessageContaining("does not match the empty string");
        assertThatThrownBy(() -> engine.rangeQuery("count_over_time({a=\"b\"})", 0, S, S, 10, true))
                .hasMessageContaining("needs a range");
        assertThatThrownBy(() -> engine.rangeQuery("sum_over_time({a=\"b\"}[1m])", 0, S, S, 10, true))
                .hasMessageContaining("unwrap");
        assertThatThrownBy(() -> engine.rangeQuery("{a=\"b\"} |~ \"(\"", 0, S, S, 10, true))
                .hasMessageContaining("invalid regular expression");
        assertThatThrownBy(() -> engine.rangeQuery("{a=\"b\"} | line_format \"{{.x | nope}}\"", 0, S, S, 10, true))
                .hasMessageContaining("\"nope\" not defined");
        assertThatThrownBy(() -> engine.rangeQuery("{a=\"b\"}", 0, S, S, 100_000, true))
                .hasMessageContaining("limit must be between 1 and 5000");
    }

    private Map<String, Double> vector(String q) {
        Value v = engine.instantQuery(q, 1059 * S + S / 2, 100, true).metric();
        Map<String, Double> out = new TreeMap<>();
        for (Value.Sample x : ((Value.Vector) v).samples()) {
            out.put(x.labels().toString(), x.value());
        }
        return out;
    }

    @Test
    void vectorMatchingWithIgnoringAndGroupLeftGivesTheShareOfEachLevel() {
        String perLevel = "sum by (service_name, detected_level) (count_over_time({env=\"prod\"}[1m]))";
        String perService = "sum by (service_name) (count_over_time({env=\"prod\"}[1m]))";
        assertThat(vector(perLevel + " / ignoring(detected_level) group_left " + perService)).isEqualTo(Map.of(
                "{detected_level=\"error\", service_name=\"api\"}", 0.1,
                "{detected_level=\"info\", service_name=\"api\"}", 0.9,
                "{detected_level=\"info\", service_name=\"web\"}", 1.0));
        assertThat(vector(perService + " / on(service_name) group_right " + perLevel))
                .containsEntry("{detected_level=\"error\", service_name=\"api\"}", 10.0);
        assertThatThrownBy(() -> vector(perLevel + " / ignoring(detected_level) " + perService))
                .isInstanceOf(QueryException.class).hasMessageContaining("many-to-one matching must be explicit");
        assertThatThrownBy(() -> vector(perLevel + " / ignoring(detected_level) group_right " + perService))
                .isInstanceOf(QueryException.class).hasMessageContaining("many-to-many matching not allowed");
    }

    @Test
    void vectorMatchingWithOnKeepsOnlyTheMatchedLabels() {
        assertThat(vector("sum by (service_name) (count_over_time({env=\"prod\"}[1m])) / on(service_name) "
                + "sum by (service_name, env) (count_over_time({env=\"prod\"}[1m]))"))
                .isEqualTo(Map.of("{service_name=\"api\"}", 1.0, "{service_name=\"web\"}", 1.0));
        assertThat(vector("sum by (service_name, detected_level) (count_over_time({env=\"prod\"}[1m])) and on(service_name) "
                + "sum by (service_name) (count_over_time({service_name=\"web\"}[1m]))"))
                .isEqualTo(Map.of("{detected_level=\"info\", service_name=\"web\"}", 30.0));
        assertThat(vector("sum by (service_name, detected_level) (count_over_time({env=\"prod\"}[1m])) unless ignoring(detected_level) "
                + "sum by (service_name) (count_over_time({service_name=\"web\"}[1m]))")).hasSize(2);
        assertThatThrownBy(() -> engine.check("count_over_time({a=\"b\"}[1m]) and on(a) group_left count_over_time({a=\"b\"}[1m])"))
                .isInstanceOf(QueryException.class).hasMessageContaining("group_left cannot be used with and");
    }

    private Labels onlyStreamLabels(String q) {
        LogQueryResult r = engine.rangeQuery(q, 1000 * S, 1060 * S, S, 100, true);
        assertThat(r.streams()).hasSize(1);
        return r.streams().getFirst().labels();
    }

    @Test
    void jsonPathsReachIntoArraysAndNestedObjects() {
        LogAppender a = store.appender();
        a.append(LogRecord.line(Labels.of("service_name", "shop"), 1001 * S,
                "{\"items\":[{\"sku\":\"a1\",\"qty\":2},{\"sku\":\"b2\"}],\"tags\":[\"x\",\"y\"],\"user\":{\"id\":7}}"));
        a.commit();
        Labels l = onlyStreamLabels("{service_name=\"shop\"} | json first=\"items[0].sku\", second=\"items[1].sku\", "
                + "qty=\"items[0].qty\", tag=\"tags[1]\", user=\"user.id\", missing=\"items[5].sku\", tags");
        assertThat(l.get("first")).isEqualTo("a1");
        assertThat(l.get("second")).isEqualTo("b2");
        assertThat(l.get("qty")).isEqualTo("2");
        assertThat(l.get("tag")).isEqualTo("y");
        assertThat(l.get("user")).isEqualTo("7");
        assertThat(l.get("tags")).isEqualTo("[\"x\",\"y\"]");
        assertThat(l.has("missing")).isFalse();
    }

    @Test
    void dropAndKeepWithMatchersActOnlyOnMatchingValues() {
        assertThat(lines("{service_name=\"api\"} | json | drop level=\"info\" | level=\"\"", 100, true)).hasSize(54);
        Labels kept = onlyStreamLabels("{service_name=\"api\"} | json | status=500 | keep service_name, level=~\"err.*\", status!=\"500\"");
        assertThat(kept).isEqualTo(Labels.of("service_name", "api", "level", "error"));
        Labels dropped = onlyStreamLabels("{service_name=\"api\"} | json | status=500 | drop pod, req_path=~\"/c.*\", msg, latency, "
                + "detected_level, status!=\"500\"");
        assertThat(dropped).isEqualTo(Labels.of("service_name", "api", "env", "prod", "level", "error", "status", "500"));
        assertThatThrownBy(() -> engine.check("{a=\"b\"} | drop x=~\"(\""))
                .isInstanceOf(QueryException.class).hasMessageContaining("invalid regular expression");
    }
}
