package io.sightline.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * A fixed set of dashboard-like {@code query_range} queries over the {@link RemoteWriteWorkload} data, run
 * against any Prometheus-compatible API: each query several times, median latency printed, answers saved for
 * an agreement check between systems.
 *
 * <p>Run: {@code DashboardQueries run --url http://127.0.0.1:9090 --end-ms E --start-ms S --repeat 5 --out f.json
 * [--encoding gzip|identity]} (E and S: the newest and oldest sample times of the data). Requests ask for gzip by
 * default, as Grafana's backend does for every query, so the latency includes the server's compression; it runs to
 * the last byte received (decompression is the client's).
 * prints {@code QUERY <name> median_ms=.. series=.. points=..} lines. {@code DashboardQueries agree a.json b.json}
 * prints, per query, whether the two answers hold the same series with values within 1e-6 relative (and the
 * largest difference when not).
 */
public final class DashboardQueries {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * name, expression, range (ms), step (s). A dashboard range is cut so that no 5 m window reaches back to the
     * series' first samples (see --start-ms), where Prometheus 2.x and 3.x extrapolate rate() differently.
     */
    record Query(String name, String expr, long rangeMillis, int stepSeconds) {
    }

    static final List<Query> QUERIES = List.of(
            new Query("rate_by_route", "sum by (route) (rate(http_requests_total[5m]))", 3_000_000, 15),
            new Query("error_ratio", "sum by (instance) (rate(http_requests_total{code=\"500\"}[5m]))"
                    + " / sum by (instance) (rate(http_requests_total[5m]))", 3_000_000, 15),
            new Query("p99_latency", "histogram_quantile(0.99, sum by (le, route) "
                    + "(rate(http_request_duration_seconds_bucket[5m])))", 3_000_000, 15),
            new Query("topk_temp", "topk(5, max by (instance) (node_hwmon_temp_celsius))", 3_000_000, 15),
            new Query("cpu_24h_1m", "sum(rate(process_cpu_seconds_total[5m]))", 86_400_000, 60));

    private DashboardQueries() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("agree")) {
            agree(Path.of(args[1]), Path.of(args[2]));
            return;
        }
        String url = "http://127.0.0.1:9090";
        long end = 0;
        long dataStart = 0;
        int repeat = 5;
        String encoding = "gzip";
        Path out = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "--end-ms" -> end = Long.parseLong(args[++i]);
                case "--start-ms" -> dataStart = Long.parseLong(args[++i]);
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--encoding" -> encoding = args[++i];
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ObjectNode answers = JSON.createObjectNode();
        for (Query q : QUERIES) {
            // 7 s past a step boundary: samples sit on 15 s boundaries, and Prometheus 2.x range selectors include
            // a sample exactly at the window's start while 3.x (and Sightline) exclude it; off the boundary both agree.
            long endSec = end / 1000 / q.stepSeconds * q.stepSeconds + 7;
            long startSec = endSec - q.rangeMillis / 1000;
            if (q.rangeMillis < 86_400_000 && dataStart > 0) {
                // the first window (start - 5 m, start] must hold whole-interval samples only
                startSec = Math.max(startSec, (dataStart + 360_000) / 1000 / q.stepSeconds * q.stepSeconds + 7);
            }
            String uri = url + "/api/v1/query_range?query=" + URLEncoder.encode(q.expr, StandardCharsets.UTF_8)
                    + "&start=" + startSec + "&end=" + endSec + "&step=" + q.stepSeconds;
            long[] nanos = new long[repeat];
            JsonNode result = null;
            for (int r = 0; r < repeat; r++) {
                long t = System.nanoTime();
                HttpResponse<byte[]> resp = http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofMinutes(5))
                        .header("Accept-Encoding", encoding).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                nanos[r] = System.nanoTime() - t; // to the last byte received; decompressing it is the client's cost
                String body = body(resp);
                if (resp.statusCode() != 200) {
                    System.out.printf("QUERY %s failed: HTTP %d %s%n", q.name, resp.statusCode(), body);
                    break;
                }
                result = JSON.readTree(body).path("data").path("result");
            }
            Arrays.sort(nanos);
            int points = 0;
            if (result != null) {
                for (JsonNode s : result) {
                    points += s.path("values").size();
                }
                answers.set(q.name, normalise(result));
            }
            System.out.printf("QUERY %s median_ms=%.1f series=%d points=%d%n", q.name, nanos[repeat / 2] / 1e6,
                    result == null ? 0 : result.size(), points);
        }
        if (out != null) {
            Files.writeString(out, JSON.writeValueAsString(answers));
        }
    }

    /** The response body as text, gunzipped when the server compressed it. */
    private static String body(HttpResponse<byte[]> resp) throws IOException {
        byte[] bytes = resp.body();
        if (resp.headers().firstValue("Content-Encoding").orElse("identity").equalsIgnoreCase("gzip")) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** series labels (sorted, as text) -> {time: value}. */
    private static ObjectNode normalise(JsonNode result) {
        Map<String, JsonNode> sorted = new TreeMap<>();
        for (JsonNode s : result) {
            Map<String, String> labels = new TreeMap<>();
            s.path("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            ObjectNode values = JSON.createObjectNode();
            for (JsonNode v : s.path("values")) {
                values.put(v.get(0).asText(), v.get(1).asText());
            }
            sorted.put(labels.toString(), values);
        }
        ObjectNode n = JSON.createObjectNode();
        sorted.forEach(n::set);
        return n;
    }

    private static void agree(Path a, Path b) throws Exception {
        JsonNode x = JSON.readTree(Files.readString(a));
        JsonNode y = JSON.readTree(Files.readString(b));
        for (Query q : QUERIES) {
            JsonNode qa = x.path(q.name);
            JsonNode qb = y.path(q.name);
            if (qa.isMissingNode() || qb.isMissingNode()) {
                System.out.printf("AGREE %s missing%n", q.name);
                continue;
            }
            List<String> problems = new ArrayList<>();
            double maxRel = 0;
            int compared = 0;
            int onlyOne = 0;
            for (Iterator<String> it = qa.fieldNames(); it.hasNext(); ) {
                String series = it.next();
                JsonNode va = qa.get(series);
                JsonNode vb = qb.get(series);
                if (vb == null) {
                    problems.add("series " + series + " only in the first");
                    continue;
                }
                for (Iterator<String> ts = va.fieldNames(); ts.hasNext(); ) {
                    String t = ts.next();
                    if (!vb.has(t)) {
                        onlyOne++;
                        continue;
                    }
                    double da = Double.parseDouble(va.get(t).asText());
                    double db = Double.parseDouble(vb.get(t).asText());
                    compared++;
                    if (Double.isNaN(da) && Double.isNaN(db)) {
                        continue;
                    }
                    double rel = Math.abs(da - db) / Math.max(1e-12, Math.max(Math.abs(da), Math.abs(db)));
                    maxRel = Math.max(maxRel, Double.isNaN(rel) ? 1 : rel);
                }
                onlyOne += (int) iteratorCount(vb.fieldNames()) - (int) iteratorCount(va.fieldNames()) > 0
                        ? (int) iteratorCount(vb.fieldNames()) - (int) iteratorCount(va.fieldNames()) : 0;
            }
            for (Iterator<String> it = qb.fieldNames(); it.hasNext(); ) {
                String series = it.next();
                if (!qa.has(series)) {
                    problems.add("series " + series + " only in the second");
                }
            }
            boolean ok = problems.isEmpty() && maxRel <= 1e-6 && onlyOne == 0;
            System.out.printf("AGREE %s %s compared_points=%d max_rel_diff=%.2e points_in_one_only=%d%s%n", q.name,
                    ok ? "yes" : "NO", compared, maxRel, onlyOne,
                    problems.isEmpty() ? "" : " " + problems.size() + " series differ, e.g. " + problems.get(0));
        }
    }

    private static long iteratorCount(Iterator<String> it) {
        long n = 0;
        while (it.hasNext()) {
            it.next();
            n++;
        }
        return n;
    }
}
