package io.sightline.query.api;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.query.ApiConfig;
import io.sightline.query.HttpCall;
import io.sightline.query.QueryException;
import io.sightline.storage.Appender;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.MetricMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Series, labels, label values, metadata and TSDB status answered from the real storage. */
class StorageEndpointsTest {
    private static final long T = 1_700_000_000_000L;

    @TempDir
    static Path dir;
    private static Storage storage;
    private static SeriesEndpoints series;
    private static MetadataEndpoint metadata;
    private static StatusEndpoints status;

    /** One store for the class: the tests only read, and opening one costs seconds (Chronicle Map). */
    @BeforeAll
    static void open() {
        storage = Storage.open(StorageConfig.defaults(dir), OpenTelemetry.noop().getMeter("test"));
        Appender a = storage.appender();
        append(a, Labels.of("__name__", "up", "job", "db", "instance", "b"));
        append(a, Labels.of("__name__", "up", "job", "api", "instance", "a"));
        append(a, Labels.of("__name__", "http_requests_total", "job", "api", "code", "200"));
        append(a, Labels.of("__name__", "node_load1", "k8s.pod", "p-1"));
        a.updateMetadata("up", new MetricMetadata("gauge", "Whether the target is up.", ""));
        a.updateMetadata("http_requests_total", new MetricMetadata("counter", "Requests <served>.", ""));
        a.commit();
        series = new SeriesEndpoints(storage);
        metadata = new MetadataEndpoint(storage);
        status = new StatusEndpoints(ApiConfig.Status.unknown(), storage, Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        storage.close();
    }

    private static void append(Appender a, Labels labels) {
        assertThat(a.append(Appender.NO_REF, labels, T, 1)).isPositive();
    }

    @Test
    void seriesAreTheSortedUnionOfEveryMatchSelector() {
        HttpCall call = Calls4Test.get("/api/v1/series", "match[]", "up", "match[]", "{job=\"api\"}",
                "start", "1699999999", "end", "1700000001");
        assertThat(Rendered.okBody(series.series(call))).isEqualTo("{\"status\":\"success\",\"data\":["
                + "{\"__name__\":\"http_requests_total\",\"code\":\"200\",\"job\":\"api\"},"
                + "{\"__name__\":\"up\",\"instance\":\"a\",\"job\":\"api\"},"
                + "{\"__name__\":\"up\",\"instance\":\"b\",\"job\":\"db\"}]}");
    }

    @Test
    void seriesOverLimitAreCutWithAWarning() {
        HttpCall call = Calls4Test.get("/api/v1/series", "match[]", "{job=~\".+\"}", "limit", "2");
        assertThat(Rendered.okBody(series.series(call))).isEqualTo("{\"status\":\"success\",\"data\":["
                + "{\"__name__\":\"http_requests_total\",\"code\":\"200\",\"job\":\"api\"},"
                + "{\"__name__\":\"up\",\"instance\":\"a\",\"job\":\"api\"}],"
                + "\"warnings\":[\"results truncated due to limit\"]}");
    }

    @Test
    void seriesWithoutMatchIsRefused() {
        assertThatThrownBy(() -> series.series(Calls4Test.get("/api/v1/series")))
                .isInstanceOf(QueryException.class).hasMessage("no match[] parameter provided");
    }

    @Test
    void seriesOutsideTheTimeRangeAreNotListed() {
        HttpCall call = Calls4Test.get("/api/v1/series", "match[]", "up", "start", "1800000000", "end", "1800000001");
        assertThat(Rendered.okBody(series.series(call))).isEqualTo("{\"status\":\"success\",\"data\":[]}");
    }

    @Test
    void labelNamesOfAllSeriesOrOfMatchingOnes() {
        assertThat(Rendered.okBody(series.labelNames(Calls4Test.get("/api/v1/labels"))))
                .isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\",\"code\",\"instance\",\"job\",\"k8s.pod\"]}");
        assertThat(Rendered.okBody(series.labelNames(Calls4Test.get("/api/v1/labels", "match[]", "up"))))
                .isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\",\"instance\",\"job\"]}");
        assertThat(Rendered.okBody(series.labelNames(Calls4Test.get("/api/v1/labels", "limit", "1"))))
                .isEqualTo("{\"status\":\"success\",\"data\":[\"__name__\"],\"warnings\":[\"results truncated due to limit\"]}");
    }

    @Test
    void labelValuesByNameFromThePathIncludingEscapedNames() {
        assertThat(Rendered.okBody(series.labelValues(Calls4Test.get("/api/v1/label/__name__/values"))))
                .isEqualTo("{\"status\":\"success\",\"data\":[\"http_requests_total\",\"node_load1\",\"up\"]}");
        assertThat(Rendered.okBody(series.labelValues(Calls4Test.get("/api/v1/label/job/values", "match[]", "up"))))
                .isEqualTo("{\"status\":\"success\",\"data\":[\"api\",\"db\"]}");
        assertThat(Rendered.okBody(series.labelValues(Calls4Test.get("/api/v1/label/U__k8s_2e_pod/values"))))
                .isEqualTo("{\"status\":\"success\",\"data\":[\"p-1\"]}");
        assertThat(Rendered.okBody(series.labelValues(Calls4Test.get("/api/v1/label/missing/values"))))
                .isEqualTo("{\"status\":\"success\",\"data\":[]}");
    }

    @Test
    void labelPathsWithoutValuesAreUnknownEndpoints() {
        assertThatThrownBy(() -> series.labelValues(Calls4Test.get("/api/v1/label/job")))
                .isInstanceOfSatisfying(QueryException.class,
                        e -> assertThat(e.type()).isEqualTo(QueryException.ErrorType.NOT_FOUND));
    }

    @Test
    void metadataPerMetricNameSortedAndLimited() {
        assertThat(Rendered.okBody(metadata.metadata(Calls4Test.get("/api/v1/metadata")))).isEqualTo(
                "{\"status\":\"success\",\"data\":{"
                        + "\"http_requests_total\":[{\"type\":\"counter\",\"help\":\"Requests \\u003cserved\\u003e.\",\"unit\":\"\"}],"
                        + "\"up\":[{\"type\":\"gauge\",\"help\":\"Whether the target is up.\",\"unit\":\"\"}]}}");
        assertThat(Rendered.okBody(metadata.metadata(Calls4Test.get("/api/v1/metadata", "metric", "up"))))
                .isEqualTo("{\"status\":\"success\",\"data\":{\"up\":[{\"type\":\"gauge\",\"help\":\"Whether the target is up.\",\"unit\":\"\"}]}}");
        assertThat(Rendered.okBody(metadata.metadata(Calls4Test.get("/api/v1/metadata", "limit", "0"))))
                .isEqualTo("{\"status\":\"success\",\"data\":{}}");
        assertThat(Rendered.okBody(metadata.metadata(Calls4Test.get("/api/v1/metadata", "limit", "1"))))
                .startsWith("{\"status\":\"success\",\"data\":{\"http_requests_total\":").doesNotContain("\"up\"");
    }

    @Test
    void tsdbStatusReportsTheHeadAndItsCardinality() {
        assertThat(Rendered.okBody(status.tsdb(Calls4Test.get("/api/v1/status/tsdb", "limit", "5")))).isEqualTo(
                "{\"status\":\"success\",\"data\":{\"headStats\":"
                + "{\"numSeries\":4,\"numLabelPairs\":9,\"chunkCount\":0,\"minTime\":" + T + ",\"maxTime\":" + T + "},"
                + "\"seriesCountByMetricName\":[" + stats("up", 2, "http_requests_total", 1, "node_load1", 1) + "],"
                + "\"labelValueCountByLabelName\":[" + stats("__name__", 3, "instance", 2, "job", 2, "code", 1, "k8s.pod", 1) + "],"
                + "\"memoryInBytesByLabelName\":[" + stats("__name__", 33, "job", 8, "code", 3, "k8s.pod", 3, "instance", 2) + "],"
                + "\"seriesCountByLabelValuePair\":[" + stats("__name__=up", 2, "job=api", 2, "__name__=http_requests_total", 1,
                "__name__=node_load1", 1, "code=200", 1) + "]}}");
        assertThat(Rendered.okBody(status.tsdb(Calls4Test.get("/api/v1/status/tsdb")))).contains("\"seriesCountByLabelValuePair\":["
                + stats("__name__=up", 2, "job=api", 2, "__name__=http_requests_total", 1, "__name__=node_load1", 1,
                "code=200", 1, "instance=a", 1, "instance=b", 1, "job=db", 1, "k8s.pod=p-1", 1) + "]");
        assertThatThrownBy(() -> status.tsdb(Calls4Test.get("/api/v1/status/tsdb", "limit", "0")))
                .hasMessage("limit must be a positive number, got \"0\"");
    }

    private static String stats(Object... nameValues) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            sb.append(i == 0 ? "" : ",").append("{\"name\":\"").append(nameValues[i]).append("\",\"value\":")
                    .append(nameValues[i + 1]).append('}');
        }
        return sb.toString();
    }

    @Test
    void buildInfoFlagsAndConfigComeFromTheServerStatus() {
        ApiConfig.Status s = new ApiConfig.Status("1.2.3", "abc", "main", "ci", "20261126", Map.of("b", "2", "a", "1"),
                "data_dir: ./data\n", "15d");
        StatusEndpoints endpoints = new StatusEndpoints(s, storage, Clock.systemUTC());
        assertThat(Rendered.okBody(endpoints.buildInfo())).isEqualTo("{\"status\":\"success\",\"data\":{\"version\":\"1.2.3\","
                + "\"revision\":\"abc\",\"branch\":\"main\",\"buildUser\":\"ci\",\"buildDate\":\"20261126\",\"goVersion\":\"java"
                + Runtime.version().feature() + "\"}}");
        assertThat(Rendered.okBody(endpoints.flags())).isEqualTo("{\"status\":\"success\",\"data\":{\"a\":\"1\",\"b\":\"2\"}}");
        assertThat(Rendered.okBody(endpoints.config())).isEqualTo("{\"status\":\"success\",\"data\":{\"yaml\":\"data_dir: ./data\\n\"}}");
        assertThat(Rendered.okBody(endpoints.runtimeInfo())).contains("\"storageRetention\":\"15d\"", "\"reloadConfigSuccess\":true",
                "\"startTime\":\"20");
    }
}
