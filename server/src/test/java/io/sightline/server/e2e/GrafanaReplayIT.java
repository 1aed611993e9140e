package io.sightline.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.time.TestClock;
import io.sightline.server.Sightline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Replays the requests Grafana's Prometheus data source sends (grafana/grafana pkg/promlib: client.go,
 * healthcheck.go, models/query.go; the frontend's language provider), with their exact paths, methods and
 * parameters, against a real Sightline fed over OTLP/HTTP by the OpenTelemetry SDK. The data source's default
 * HTTP method is POST: queries go as form bodies; label values and metadata always go as GET.
 */
class GrafanaReplayIT {
    private static final long STEP = 15;
    /** Exports 15 s apart, 21 of them: five minutes of data for each of two services. */
    private static final int EXPORTS = 21;
    private static final int PER_EXPORT = 3;

    @TempDir
    static Path dataDir;
    private static Sightline sightline;
    private static ApiClient api;
    /** Unix seconds of the first and the last export. */
    private static long first;
    private static long last;

    @BeforeAll
    static void startAndIngest() {
        sightline = TestServer.start(dataDir);
        api = new ApiClient(sightline.httpPort());
        first = (System.currentTimeMillis() / 60_000) * 60 - 600;
        TestClock clock = TestClock.create(Instant.ofEpochSecond(first));
        List<SdkMeterProvider> providers = new ArrayList<>();
        List<LongCounter> counters = new ArrayList<>();
        for (String service : List.of("checkout", "payments")) {
            SdkMeterProvider p = SdkMeterProvider.builder().setClock(clock)
                    .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service,
                            AttributeKey.stringKey("service.instance.id"), service + "-1")))
                    .registerMetricReader(PeriodicMetricReader.builder(OtlpHttpMetricExporter.builder()
                                    .setEndpoint("http://127.0.0.1:" + sightline.otlpHttpPort() + "/v1/metrics").build())
                            .setInterval(Duration.ofHours(1)).build())
                    .build();
            providers.add(p);
            counters.add(p.get("grafana-replay").counterBuilder("http.requests").setDescription("Requests served.").build());
            p.get("grafana-replay").gaugeBuilder("queue.depth").buildWithCallback(m -> m.record(7));
        }
        Attributes route = Attributes.of(AttributeKey.stringKey("route"), "/cart");
        for (int i = 0; i < EXPORTS; i++) {
            for (int s = 0; s < providers.size(); s++) {
                counters.get(s).add(PER_EXPORT, route);
                assertThat(providers.get(s).forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
            }
            last = clock.now() / 1_000_000_000L;
            clock.advance(Duration.ofSeconds(STEP));
        }
        providers.forEach(p -> p.shutdown().join(10, TimeUnit.SECONDS));
    }

    @AfterAll
    static void stop() {
        if (sightline != null) {
            sightline.close();
        }
    }

    private static JsonNode success(ApiClient.Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.path("status").asText()).isEqualTo("success");
        return j.path("data");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void saveAndTestRunsOnePlusOneAsAnInstantQueryAtTimeFour() {
        // healthcheck.go: expr "1+1", instant, time range Unix(1)..Unix(4); the client sends time = end.
        JsonNode data = success(api.postForm("/api/v1/query", "query", "1+1", "time", "4"));

        assertThat(data.path("resultType").asText()).isEqualTo("scalar");
        assertThat(data.path("result").get(0).asDouble()).isEqualTo(4);
        assertThat(data.path("result").get(1).asText()).isEqualTo("2");
    }

    @Test
    void buildinfoProbeAnswersAVersionAndNoFeaturesSoGrafanaSeesAPrometheus() {
        JsonNode data = success(api.get("/api/v1/status/buildinfo"));

        assertThat(data.path("version").asText()).isNotEmpty();
        for (String field : List.of("revision", "branch", "buildUser", "buildDate", "goVersion")) {
            assertThat(data.path(field).isTextual()).as(field).isTrue();
        }
        // heuristics.go: any "features" makes Grafana take the server for Mimir and call a ruler API we lack.
        assertThat(data.path("features").size()).isZero();
    }

    @Test
    void metricsBrowserListsMetricNamesOverTheTimeRangeAndUnderAMatcher() {
        String start = Long.toString(first - 60);
        String end = Long.toString(last + 60);

        List<String> all = strings(success(api.get("/api/v1/label/__name__/values", "start", start, "end", end)));
        assertThat(all).contains("http_requests_total", "queue_depth").isSorted();

        // Newer Grafana versions cap the list.
        assertThat(strings(success(api.get("/api/v1/label/__name__/values", "start", start, "end", end,
                "limit", "40000")))).isEqualTo(all);

        List<String> checkout = strings(success(api.get("/api/v1/label/__name__/values", "match[]",
                "{job=\"checkout\"}", "start", start, "end", end)));
        assertThat(checkout).contains("http_requests_total", "queue_depth");

        List<String> jobs = strings(success(api.get("/api/v1/label/job/values", "match[]", "http_requests_total",
                "start", start, "end", end)));
        assertThat(jobs).containsExactly("checkout", "payments");

        // A range with no data has no names (Grafana's "no metrics found").
        assertThat(success(api.get("/api/v1/label/__name__/values", "start", "1000", "end", "2000"))).isEmpty();
    }

    @Test
    void labelsAndSeriesArePostedAsFormsWithMatchStartAndEnd() {
        String start = Long.toString(first);
        String end = Long.toString(last);

        List<String> labels = strings(success(api.postForm("/api/v1/labels", "match[]", "http_requests_total",
                "start", start, "end", end)));
        assertThat(labels).contains("__name__", "instance", "job", "route").isSorted();

        JsonNode series = success(api.postForm("/api/v1/series", "match[]", "http_requests_total{job=\"checkout\"}",
                "start", start, "end", end));
        assertThat(series).hasSize(1);
        assertThat(series.get(0).path("__name__").asText()).isEqualTo("http_requests_total");
        assertThat(series.get(0).path("instance").asText()).isEqualTo("checkout-1");
        assertThat(series.get(0).path("route").asText()).isEqualTo("/cart");
    }

    @Test
    void autocompleteReadsMetadataByMetricName() {
        JsonNode data = success(api.get("/api/v1/metadata"));

        JsonNode counter = data.path("http_requests_total");
        assertThat(counter.isArray()).as(data.toString()).isTrue();
        assertThat(counter.get(0).path("type").asText()).isEqualTo("counter");
        assertThat(counter.get(0).path("help").asText()).isEqualTo("Requests served.");
        assertThat(data.path("queue_depth").get(0).path("type").asText()).isEqualTo("gauge");
    }

    @Test
    void exploreRangeQueryWithRateIntervalExpandedAsGrafanaDoes() {
        // Explore over the last five minutes: interval = max(range / max data points, scrape interval 15s) = 15s;
        // $__rate_interval = max(interval + scrape interval, 4 * scrape interval) = 60s, written with Go's
        // time.Duration.String(): "1m0s". Start and end are aligned down to the step (alignTimeRange).
        long from = last - 300 + 7;
        long to = last + 7;
        String start = Long.toString(Math.floorDiv(from, STEP) * STEP);
        String end = Long.toString(Math.floorDiv(to, STEP) * STEP);
        String expr = "sum by (job) (rate(http_requests_total[$__rate_interval]))".replace("$__rate_interval", "1m0s");

        JsonNode data = success(api.postForm("/api/v1/query_range", "query", expr, "start", start, "end", end,
                "step", Long.toString(STEP)));

        assertThat(data.path("resultType").asText()).isEqualTo("matrix");
        JsonNode result = data.path("result");
        assertThat(result).hasSize(2);
        assertThat(result.get(0).path("metric").path("job").asText()).isEqualTo("checkout");
        assertThat(result.get(1).path("metric").path("job").asText()).isEqualTo("payments");
        for (JsonNode series : result) {
            JsonNode values = series.path("values");
            assertThat(values.size()).isGreaterThan(10);
            for (JsonNode point : values) {
                long t = point.get(0).asLong();
                assertThat(t % STEP).isZero();
                if (t >= first + 60 && t <= last) {
                    // 3 requests per 15 s: each full one-minute window holds 4 samples and rates 0.2/s.
                    assertThat(Double.parseDouble(point.get(1).asText())).as("at %d", t)
                            .isCloseTo((double) PER_EXPORT / STEP, within(1e-9));
                }
            }
        }
    }

    @Test
    void instantQueryOfATablePanelAndExemplarsOfTheSameRange() {
        JsonNode data = success(api.postForm("/api/v1/query", "query", "sum(queue_depth)",
                "time", Long.toString(last)));
        assertThat(data.path("resultType").asText()).isEqualTo("vector");
        assertThat(data.path("result").get(0).path("value").get(1).asText()).isEqualTo("14");

        JsonNode exemplars = success(api.postForm("/api/v1/query_exemplars", "query", "http_requests_total",
                "start", Long.toString(first), "end", Long.toString(last)));
        assertThat(exemplars.isArray()).isTrue();
    }

    @Test
    void aBadQueryFromTheEditorIsBadDataThatGrafanaShows() {
        ApiClient.Reply r = api.postForm("/api/v1/query_range", "query", "rate(http_requests_total[1m0s]",
                "start", Long.toString(first), "end", Long.toString(last), "step", "15");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("errorType").asText()).isEqualTo("bad_data");
        assertThat(r.json().path("error").asText()).startsWith("invalid parameter \"query\": 1:");
    }

    @Test
    void statsAllCountsOneQueryableSamplePerSeriesOfAnInstantSelector() {
        ApiClient.Reply r = api.get("/api/v1/query", "query", "queue_depth", "time", Long.toString(last),
                "stats", "all");

        JsonNode data = success(r);
        assertThat(data.path("result")).hasSize(2);
        // Prometheus counts the one sample per series each step reads, not the 20 per series in the lookback.
        assertThat(data.path("stats").path("samples").path("totalQueryableSamples").asLong()).isEqualTo(2);
    }
}
