package io.sightline.query.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.proto.trace.v1.TracesData;
import io.sightline.query.ApiConfig;
import io.sightline.query.ApiServer;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryEngines;
import io.sightline.query.TraceQueryConfig;
import io.sightline.query.TraceQueryEngine;
import io.sightline.storage.SpanAppender;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Tempo API on the real HTTP server and trace store, driven with the requests Grafana's Tempo data source sends:
 * 'Save &amp; test', trace by id (protobuf, v2 then v1), the search tab and TraceQL, tag autocomplete.
 */
class TempoApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final String CHECKOUT = "5b8efff798038103d269b633813fc60c";
    private static final String BROWSE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @TempDir
    static Path dir;
    private static Storage storage;
    private static TraceStore traces;
    private static ApiServer server;
    /** The same store with at most two spans per trace by id. */
    private static ApiServer capped;
    private static long base;
    private static long startSec;
    private static long endSec;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        storage = Storage.open(StorageConfig.defaults(dir.resolve("metrics")), OpenTelemetry.noop().getMeter("t"));
        traces = TraceStore.open(TraceStoreConfig.defaults(dir.resolve("traces")), OpenTelemetry.noop().getMeter("t"));
        base = (System.currentTimeMillis() - 300_000) * MS;
        startSec = base / S - 60;
        endSec = System.currentTimeMillis() / 1000 + 60;
        SpanAppender a = traces.appender();
        // checkout: frontend -> checkout (error, 1.2 s) -> db
        a.append(span(CHECKOUT, "1000000000000001", "", "frontend", "POST /checkout", Span.KIND_SERVER, 0, 1500 * MS,
                Span.STATUS_ERROR, Attributes.builder().putString("http.route", "/checkout").putLong("http.response.status_code", 500).build()));
        a.commit();
        traces.cutSegment();
        a.append(span(CHECKOUT, "1000000000000002", "1000000000000001", "checkout", "PlaceOrder", Span.KIND_SERVER, 100 * MS,
                1300 * MS, Span.STATUS_ERROR, Attributes.ofStrings("rpc.service", "Checkout")));
        a.append(span(CHECKOUT, "1000000000000003", "1000000000000002", "checkout", "INSERT orders", Span.KIND_CLIENT, 200 * MS,
                260 * MS, Span.STATUS_UNSET, Attributes.ofStrings("db.system", "postgresql")));
        a.commit();
        // browse: frontend only, 40 ms, ok, a minute later
        a.append(span(BROWSE, "2000000000000001", "", "frontend", "GET /products", Span.KIND_SERVER, 60 * S, 60 * S + 40 * MS,
                Span.STATUS_OK, Attributes.builder().putString("http.route", "/products").putLong("http.response.status_code", 200).build()));
        a.commit();
        server = ApiServer.start(ApiConfig.defaults().withListen("127.0.0.1", 0),
                QueryEngines.promql(storage, QueryConfig.defaults(), OpenTelemetry.noop().getMeter("q")), storage, null, null,
                TraceQueryEngine.create(traces, TraceQueryConfig.defaults()), traces, List.of(), OpenTelemetry.noop().getMeter("h"));
        capped = ApiServer.start(ApiConfig.defaults().withListen("127.0.0.1", 0),
                QueryEngines.promql(storage, QueryConfig.defaults(), OpenTelemetry.noop().getMeter("q")), storage, null, null,
                TraceQueryEngine.create(traces, new TraceQueryConfig(60_000, 1_000, 100, 20_000_000, 2)), traces, List.of(),
                OpenTelemetry.noop().getMeter("h"));
    }

    private static Span span(String trace, String id, String parent, String service, String name, int kind, long start,
                             long end, int status, Attributes attrs) {
        return new Span(trace, id, parent, "", name, kind, base + start, base + end, status, "", attrs,
                Attributes.ofStrings("service.name", service), "grafana-test", "1", List.of(), List.of());
    }

    @AfterAll
    static void stop() {
        server.close();
        capped.close();
        traces.close();
        storage.close();
    }

    private HttpResponse<byte[]> get(String path, String accept, String... params) throws IOException, InterruptedException {
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < params.length; i += 2) {
            q.append(q.isEmpty() ? '?' : '&').append(params[i]).append('=').append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path + q)).GET();
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private JsonNode json(String path, String... params) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = get(path, null, params);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private String range(int i) {
        return Long.toString(i == 0 ? startSec : endSec);
    }

    private static List<String> traceIds(JsonNode search) {
        List<String> ids = new ArrayList<>();
        search.get("traces").forEach(t -> ids.add(t.get("traceID").asText()));
        return ids;
    }

    @Test
    void saveAndTestCallsEchoAndASearch() throws Exception {
        HttpResponse<byte[]> echo = get("/api/echo", null);
        assertThat(echo.statusCode()).isEqualTo(200);
        assertThat(new String(echo.body(), StandardCharsets.UTF_8).trim()).isEqualTo("echo");
        JsonNode one = json("/api/search", "q", "{}", "limit", "1", "start", range(0), "end", range(1));
        assertThat(one.get("traces")).hasSize(1);
        assertThat(one.get("traces").get(0).get("traceID").asText()).isEqualTo(BROWSE);
    }

    @Test
    void traceByIdV2AsProtobufIsATraceByIdResponse() throws Exception {
        HttpResponse<byte[]> r = get("/api/v2/traces/" + CHECKOUT, "application/protobuf", "start", range(0), "end", range(1));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/protobuf");
        var in = com.google.protobuf.CodedInputStream.newInstance(r.body());
        assertThat(in.readTag()).isEqualTo((1 << 3) | 2);
        TracesData trace = TracesData.parseFrom(in.readByteArray());
        List<io.opentelemetry.proto.trace.v1.Span> spans = new ArrayList<>();
        trace.getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss -> spans.addAll(ss.getSpansList())));
        assertThat(spans).hasSize(3);
        assertThat(spans).extracting(s -> HexFormat.of().formatHex(s.getTraceId().toByteArray())).containsOnly(CHECKOUT);
        assertThat(spans).extracting(s -> HexFormat.of().formatHex(s.getParentSpanId().toByteArray()))
                .containsExactlyInAnyOrder("", "1000000000000001", "1000000000000002");
        assertThat(trace.getResourceSpansList()).extracting(rs -> rs.getResource().getAttributes(0).getValue().getStringValue())
                .containsExactly("frontend", "checkout");
    }

    @Test
    void aTracePastTheSpanCapIsPartialOnV2AndRefusedOnV1() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + capped.port();
        HttpResponse<byte[]> proto = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v2/traces/" + CHECKOUT))
                .header("Accept", "application/protobuf").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(proto.statusCode()).isEqualTo(200);
        var fields = com.google.protobuf.UnknownFieldSet.parseFrom(proto.body());
        TracesData trace = TracesData.parseFrom(fields.getField(1).getLengthDelimitedList().getFirst());
        List<io.opentelemetry.proto.trace.v1.Span> spans = new ArrayList<>();
        trace.getResourceSpansList().forEach(rs -> rs.getScopeSpansList().forEach(ss -> spans.addAll(ss.getSpansList())));
        assertThat(spans).extracting(io.opentelemetry.proto.trace.v1.Span::getName).containsExactlyInAnyOrder("POST /checkout", "PlaceOrder");
        assertThat(fields.getField(3).getVarintList()).as("status PARTIAL").containsExactly(1L);
        assertThat(fields.getField(4).getLengthDelimitedList().getFirst().toStringUtf8())
                .contains("3 spans", "first 2", "traces.query.max_spans_per_trace=2");

        HttpResponse<String> json = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v2/traces/" + CHECKOUT)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode v2 = JSON.readTree(json.body());
        assertThat(v2.get("status").asText()).isEqualTo("PARTIAL");
        assertThat(v2.get("message").asText()).contains("traces.query.max_spans_per_trace=2");

        HttpResponse<String> v1 = client.send(HttpRequest.newBuilder(URI.create(base + "/api/traces/" + CHECKOUT)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(v1.statusCode()).isEqualTo(422);
        assertThat(v1.body()).contains("3 spans", "traces.query.max_spans_per_trace=2", "/api/v2/traces/" + CHECKOUT);

        HttpResponse<String> small = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v2/traces/" + BROWSE)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(small.body()).has("status")).as("a trace under the cap is complete").isFalse();
    }

    @Test
    void aSearchGroupedByServiceAnswersOneSpansetPerService() throws Exception {
        JsonNode r = json("/api/search", "q", "{ trace:id = \"" + CHECKOUT + "\" } | by(resource.service.name)",
                "start", range(0), "end", range(1));
        JsonNode sets = r.get("traces").get(0).get("spanSets");
        List<String> groups = new ArrayList<>();
        sets.forEach(s -> groups.add(s.get("attributes").get(0).get("key").asText() + "="
                + s.get("attributes").get(0).get("value").get("stringValue").asText() + ":" + s.get("matched").asInt()));
        assertThat(groups).containsExactlyInAnyOrder("by(resource.service.name)=frontend:1",
                "by(resource.service.name)=checkout:2");
    }

    @Test
    void traceByIdV1AsProtobufIsTracesData() throws Exception {
        HttpResponse<byte[]> r = get("/api/traces/" + BROWSE, "application/protobuf");
        assertThat(r.statusCode()).isEqualTo(200);
        TracesData trace = TracesData.parseFrom(r.body());
        assertThat(trace.getResourceSpans(0).getScopeSpans(0).getSpans(0).getName()).isEqualTo("GET /products");
    }

    @Test
    void traceByIdAsJsonHasTempoShapes() throws Exception {
        JsonNode v1 = json("/api/traces/" + CHECKOUT);
        assertThat(v1.get("batches")).hasSize(2);
        JsonNode root = v1.get("batches").get(0).get("scopeSpans").get(0).get("spans").get(0);
        assertThat(root.get("spanId").asText()).isEqualTo("1000000000000001");
        assertThat(root.get("status").get("code").asText()).isEqualTo("STATUS_CODE_ERROR");
        JsonNode v2 = json("/api/v2/traces/" + CHECKOUT.toUpperCase());
        assertThat(v2.get("trace").get("resourceSpans")).hasSize(2);
    }

    @Test
    void unknownTracesAre404AndBadIds400() throws Exception {
        HttpResponse<byte[]> missing = get("/api/v2/traces/0", "application/protobuf");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(new String(missing.body(), StandardCharsets.UTF_8)).contains("trace not found");
        assertThat(get("/api/traces/" + "f".repeat(32), null).statusCode()).isEqualTo(404);
        HttpResponse<byte[]> bad = get("/api/traces/not-a-trace", null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(new String(bad.body(), StandardCharsets.UTF_8)).contains("invalid trace id \"not-a-trace\"");
        // Outside the given range the trace is not looked for, as Tempo does.
        assertThat(get("/api/traces/" + CHECKOUT, null, "start", "1000", "end", "2000").statusCode()).isEqualTo(404);
    }

    @Test
    void theSearchTabSendsATraceQlQueryWithLimitAndSpss() throws Exception {
        JsonNode r = json("/api/search", "q", "{resource.service.name=\"checkout\" && status=error && duration>1s}",
                "limit", "20", "spss", "3", "start", range(0), "end", range(1));
        assertThat(traceIds(r)).containsExactly(CHECKOUT);
        JsonNode t = r.get("traces").get(0);
        assertThat(t.get("rootServiceName").asText()).isEqualTo("frontend");
        assertThat(t.get("rootTraceName").asText()).isEqualTo("POST /checkout");
        assertThat(t.get("startTimeUnixNano").asText()).isEqualTo(Long.toString(base));
        assertThat(t.get("durationMs").asLong()).isEqualTo(1500);
        JsonNode set = t.get("spanSets").get(0);
        assertThat(set.get("matched").asInt()).isEqualTo(1);
        JsonNode span = set.get("spans").get(0);
        assertThat(span.get("spanID").asText()).isEqualTo("1000000000000002");
        assertThat(span.get("durationNanos").asText()).isEqualTo(Long.toString(1200 * MS));
        assertThat(span.get("attributes").findValuesAsText("key")).contains("service.name", "status");
        assertThat(t.get("spanSet")).isEqualTo(set);
        assertThat(r.get("metrics").get("inspectedTraces").asInt()).isPositive();
    }

    @Test
    void spansPerSpanSetAndLimitAreRespected() throws Exception {
        JsonNode r = json("/api/search", "q", "{ resource.service.name = \"checkout\" || resource.service.name = \"frontend\" }",
                "limit", "1", "spss", "2", "start", range(0), "end", range(1));
        assertThat(traceIds(r)).containsExactly(BROWSE);
        JsonNode all = json("/api/search", "q", "{ }", "spss", "2", "start", range(0), "end", range(1));
        assertThat(traceIds(all)).containsExactly(BROWSE, CHECKOUT);
        JsonNode checkout = all.get("traces").get(1).get("spanSets").get(0);
        assertThat(checkout.get("spans")).hasSize(2);
        assertThat(checkout.get("matched").asInt()).isEqualTo(3);
    }

    @Test
    void theTagSearchFormFindsByServiceAndDuration() throws Exception {
        assertThat(traceIds(json("/api/search", "tags", "service.name=\"frontend\"", "minDuration", "1s", "limit", "20",
                "start", range(0), "end", range(1)))).containsExactly(CHECKOUT);
        assertThat(traceIds(json("/api/search", "tags", "http.status_code=200 http.route=/products",
                "start", range(0), "end", range(1)))).isEmpty();
        assertThat(traceIds(json("/api/search", "tags", "http.route=/products", "maxDuration", "100ms",
                "start", range(0), "end", range(1)))).containsExactly(BROWSE);
    }

    @Test
    void tagAutocompleteListsScopesNamesAndTypedValues() throws Exception {
        JsonNode v2 = json("/api/v2/search/tags", "start", range(0), "end", range(1));
        List<String> scopes = v2.get("scopes").findValuesAsText("name");
        assertThat(scopes).containsExactly("resource", "span", "intrinsic");
        assertThat(JSON.convertValue(v2.get("scopes").get(0).get("tags"), List.class)).containsExactly("service.name");
        assertThat(JSON.convertValue(v2.get("scopes").get(1).get("tags"), List.class))
                .containsExactly("db.system", "http.response.status_code", "http.route", "rpc.service");
        assertThat(JSON.convertValue(v2.get("scopes").get(2).get("tags"), List.class)).contains("status", "rootServiceName", "duration");
        JsonNode spanOnly = json("/api/v2/search/tags", "scope", "span", "start", range(0), "end", range(1));
        assertThat(spanOnly.get("scopes")).hasSize(1);

        JsonNode v1 = json("/api/search/tags", "start", range(0), "end", range(1));
        assertThat(JSON.convertValue(v1.get("tagNames"), List.class)).contains("service.name", "http.route");

        JsonNode services = json("/api/v2/search/tag/resource.service.name/values", "start", range(0), "end", range(1));
        assertThat(services.get("tagValues").findValuesAsText("value")).containsExactly("checkout", "frontend");
        assertThat(services.get("tagValues").findValuesAsText("type")).containsOnly("string");
        JsonNode filtered = json("/api/v2/search/tag/resource.service.name/values", "q", "{ span.db.system = \"postgresql\" }",
                "start", range(0), "end", range(1));
        assertThat(filtered.get("tagValues").findValuesAsText("value")).containsExactly("checkout");
        JsonNode statuses = json("/api/v2/search/tag/status/values", "start", range(0), "end", range(1));
        assertThat(statuses.get("tagValues").findValuesAsText("value")).containsExactly("unset", "ok", "error");
        assertThat(statuses.get("tagValues").findValuesAsText("type")).containsOnly("keyword");
        // Grafana encodes the tag twice in the path.
        JsonNode routes = json("/api/v2/search/tag/" + URLEncoder.encode(URLEncoder.encode("span.http.route", StandardCharsets.UTF_8), StandardCharsets.UTF_8) + "/values",
                "start", range(0), "end", range(1));
        assertThat(routes.get("tagValues").findValuesAsText("value")).containsExactly("/checkout", "/products");
        JsonNode v1Values = json("/api/search/tag/service.name/values", "start", range(0), "end", range(1));
        assertThat(JSON.convertValue(v1Values.get("tagValues"), List.class)).containsExactly("checkout", "frontend");
    }

    @Test
    void badQueriesAndParametersAre400WithAClearMessage() throws Exception {
        HttpResponse<byte[]> bad = get("/api/search", null, "q", "{ .a = }", "start", range(0), "end", range(1));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(new String(bad.body(), StandardCharsets.UTF_8)).contains("invalid TraceQL query: parse error at position 8");
        HttpResponse<byte[]> limit = get("/api/search", null, "q", "{}", "limit", "x");
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(new String(limit.body(), StandardCharsets.UTF_8)).contains("invalid parameter \"limit\" = \"x\"");
        HttpResponse<byte[]> huge = get("/api/search", null, "q", "{}", "limit", "100000");
        assertThat(huge.statusCode()).isEqualTo(400);
        assertThat(new String(huge.body(), StandardCharsets.UTF_8)).contains("traces.query.max_limit");
        assertThat(get("/api/search", null, "minDuration", "fast").statusCode()).isEqualTo(400);
        assertThat(get("/api/search", null, "start", "soon").statusCode()).isEqualTo(400);
        assertThat(get("/api/v2/search/tags", null, "scope", "nope").statusCode()).isEqualTo(400);
    }

    @Test
    void buildInfoNamesTheVersion() throws Exception {
        JsonNode info = json("/api/status/buildinfo");
        assertThat(info.get("version").asText()).isNotEmpty();
    }
}
