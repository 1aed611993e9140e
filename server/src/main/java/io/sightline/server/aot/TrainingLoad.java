package io.sightline.server.aot;

import com.google.protobuf.ByteString;
import io.sightline.server.aot.AotTraining.TrainingException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The training workload: every intake path and query language once over, in the proportions of a small deployment
 * (most of the work is remote-write and OTLP intake, then a few dashboard, log and trace queries). The JVM archives the
 * classes this touches and the method profiles it leaves, so it covers the paths a user's server runs, not a benchmark:
 * the queries are ordinary ones over the training's own data. Sent over HTTP/1.1 on 4 connections, as Prometheus's
 * remote-write shards and the OTLP exporters do. Every class the training touches is loaded into every server at start
 * (AOT class linking), used or not, at ~9 KiB resident each: a path that loads many classes for a request a deployment
 * rarely sends (OTLP/JSON) is left out.
 *
 * <p>A request the server answers with an error does not stop the training (the classes and profiles of the error
 * path are worth having too); the errors are counted and reported. A request that gets no answer does: the server
 * is gone.
 */
final class TrainingLoad {
    private static final int CONNECTIONS = 4;
    private static final int TARGETS_PER_REQUEST = 20;
    private static final long SCRAPE_INTERVAL_MS = 15_000;
    private static final int QUERY_REPEATS = 3;

    private final Ports ports;
    private final long deadlineNanos;
    private final TrainingPayloads payloads = new TrainingPayloads();
    private final ExecutorService senders = Executors.newFixedThreadPool(CONNECTIONS, r -> {
        Thread t = new Thread(r, "aot-training-sender");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, Integer> errors = new TreeMap<>();
    private String firstError;

    TrainingLoad(Ports ports, long deadlineNanos) {
        this.ports = ports;
        this.deadlineNanos = deadlineNanos;
    }

    /** Sends the whole workload; throws {@link TrainingException} when the server stops answering or time runs out. */
    void run(int series, int rounds) throws InterruptedException {
        try {
            long endMs = System.currentTimeMillis() / SCRAPE_INTERVAL_MS * SCRAPE_INTERVAL_MS - SCRAPE_INTERVAL_MS;
            long startMs = endMs - (rounds - 1) * SCRAPE_INTERVAL_MS;
            remoteWrite(Math.max(1, series / TrainingPayloads.SERIES_PER_TARGET), rounds, startMs);
            List<ByteString> traceIds = new ArrayList<>();
            otlp(endMs, traceIds);
            queries(startMs, endMs, traceIds);
        } finally {
            senders.shutdownNow();
        }
        if (!errors.isEmpty()) {
            System.err.println("sightline-aot: the training server answered some requests with errors (kept in the"
                    + " training all the same): " + errors + "; the first: " + firstError);
        }
    }

    private void remoteWrite(int targets, int rounds, long startMs) throws InterruptedException {
        URI uri = api("/api/v1/write");
        for (int round = 0; round < rounds; round++) {
            long ts = startMs + round * SCRAPE_INTERVAL_MS;
            List<Future<?>> inFlight = new ArrayList<>();
            for (int first = 0; first < targets; first += TARGETS_PER_REQUEST) {
                byte[] body = payloads.remoteWrite(first, Math.min(TARGETS_PER_REQUEST, targets - first), ts, round);
                inFlight.add(senders.submit(() -> post(uri, body, "application/x-protobuf",
                        "Content-Encoding", "snappy", "X-Prometheus-Remote-Write-Version", "0.1.0")));
            }
            // A round completes before the next starts: samples of a series arrive in time order, as from one shard.
            awaitAll(inFlight);
        }
    }

    private void otlp(long endMs, List<ByteString> traceIds) throws InterruptedException {
        List<Future<?>> inFlight = new ArrayList<>();
        URI metrics = otlpHttp("/v1/metrics");
        int services = TrainingPayloads.SERVICES.length;
        long startNanos = (endMs - 3_600_000L) * 1_000_000L;
        for (int export = 0; export < 40; export++) {
            long t = (endMs - (39 - export) * SCRAPE_INTERVAL_MS) * 1_000_000L;
            for (int s = 0; s < services; s++) {
                for (int instance = 0; instance < 4; instance++) {
                    byte[] body = payloads.otlpMetrics(s, instance, t, startNanos, export);
                    inFlight.add(senders.submit(() -> post(metrics, body, "application/x-protobuf")));
                }
            }
            awaitAll(inFlight); // exports of a series in time order
            inFlight.clear();
        }
        URI logs = otlpHttp("/v1/logs");
        URI traces = otlpHttp("/v1/traces");
        long nowNanos = System.currentTimeMillis() * 1_000_000L;
        for (int r = 0; r < 200; r++) {
            byte[] logBody = payloads.otlpLogs(r % services, nowNanos - (200 - r) * 1_000_000_000L, 50);
            byte[] traceBody = payloads.otlpTraces(r % services, nowNanos - (200 - r) * 1_000_000_000L, 20, traceIds);
            inFlight.add(senders.submit(() -> post(logs, logBody, "application/x-protobuf")));
            inFlight.add(senders.submit(() -> post(traces, traceBody, "application/x-protobuf")));
        }
        awaitAll(inFlight);
        // Prometheus's OTLP path on the API port (same decoder, another route). Not OTLP/JSON: its one request loaded
        // protobuf's JsonFormat, Gson and the descriptors' reflection, ~500 classes that AOT class linking then loads
        // into every server at start (+4.5 MiB resident) for an encoding the SDKs' exporters do not use by default;
        // a server that receives it loads them from the jar on the first such request (RESULTS.md, session 7 floor).
        post(api("/api/v1/otlp/v1/metrics"), payloads.otlpMetrics(0, 9, endMs * 1_000_000L, startNanos, 1), "application/x-protobuf");
    }

    private void queries(long startMs, long endMs, List<ByteString> traceIds) throws InterruptedException {
        long start = startMs / 1000;
        long end = endMs / 1000;
        String range = "&start=" + start + "&end=" + end + "&step=60";
        List<String> gets = new ArrayList<>();
        for (String q : List.of(
                "sum by (route) (rate(http_requests_total[5m]))",
                "sum(rate(http_requests_total{code=~\"5..\"}[5m])) / sum(rate(http_requests_total[5m]))",
                "histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket[5m])))",
                "topk(5, avg by (instance) (rate(node_cpu_seconds_total{mode=\"user\"}[5m])))",
                "max_over_time(process_resident_memory_bytes[10m]) > 2e8",
                "avg without (sensor) (node_hwmon_temp_celsius) and on (instance) up == 1",
                "histogram_quantile(0.9, sum by (le, service_name) (rate(http_server_request_duration_seconds_bucket[5m])))",
                "sum by (job) (jvm_memory_used_bytes)")) {
            gets.add("/api/v1/query_range?query=" + enc(q) + range);
            gets.add("/api/v1/query?query=" + enc(q) + "&time=" + end);
        }
        gets.addAll(List.of("/api/v1/labels", "/api/v1/label/instance/values", "/api/v1/series?match[]=" + enc("up")
                + "&start=" + start + "&end=" + end, "/api/v1/metadata", "/api/v1/status/tsdb", "/metrics"));
        long logStartNanos = (System.currentTimeMillis() - 600_000L) * 1_000_000L;
        long logEndNanos = System.currentTimeMillis() * 1_000_000L;
        String logRange = "&start=" + logStartNanos + "&end=" + logEndNanos + "&limit=100";
        for (String q : List.of(
                "{service_name=\"checkout\"} |= \"failed\"",
                "{service_namespace=\"shop\", service_name=~\"cart|payment\"} != \"health\"",
                "sum by (service_name) (count_over_time({service_namespace=\"shop\"} |= \"status=200\" [1m]))",
                "sum(rate({service_name=\"frontend\"} |= \"error\" [5m]))")) {
            gets.add("/loki/api/v1/query_range?query=" + enc(q) + logRange + "&step=60");
        }
        gets.addAll(List.of("/loki/api/v1/labels", "/loki/api/v1/label/service_name/values"));
        long traceStart = end - 600;
        long traceEnd = end + 600;
        for (String q : List.of(
                "{ resource.service.name = \"checkout\" && duration > 20ms }",
                "{ status = error }",
                "{ span.http.route = \"/api/orders\" } && { kind = client }")) {
            gets.add("/api/search?q=" + enc(q) + "&start=" + traceStart + "&end=" + traceEnd + "&limit=20");
        }
        gets.addAll(List.of("/api/search/tags", "/api/search/tag/service.name/values",
                "/api/search?tags=" + enc("service.name=cart") + "&start=" + traceStart + "&end=" + traceEnd));
        for (ByteString id : traceIds) {
            gets.add("/api/traces/" + HexFormat.of().formatHex(id.toByteArray()));
        }
        for (int i = 0; i < QUERY_REPEATS; i++) {
            List<Future<?>> inFlight = new ArrayList<>();
            for (String g : gets) {
                URI uri = api(g);
                inFlight.add(senders.submit(() -> send(HttpRequest.newBuilder(uri).GET())));
            }
            awaitAll(inFlight);
        }
    }

    private Void post(URI uri, byte[] body, String contentType, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    private Void send(HttpRequest.Builder request) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new TrainingException("the training load did not finish within the time limit"
                    + " (-Dsightline.aot.timeoutSeconds raises it)");
        }
        HttpRequest r = request.timeout(Duration.ofNanos(Math.min(left, 60_000_000_000L))).build();
        HttpResponse<String> response;
        try {
            response = http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TrainingException("the training server did not answer " + r.uri().getPath() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrainingException("interrupted");
        }
        if (response.statusCode() / 100 != 2) {
            synchronized (errors) {
                errors.merge(r.uri().getPath() + " " + response.statusCode(), 1, Integer::sum);
                if (firstError == null) {
                    firstError = r.uri() + " -> " + response.statusCode() + " " + abbreviate(response.body());
                }
            }
        }
        return null;
    }

    private static void awaitAll(List<Future<?>> futures) throws InterruptedException {
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TrainingException t) {
                    throw t;
                }
                throw new TrainingException("a training request failed: " + e.getCause());
            }
        }
    }

    private URI api(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + ports.api() + pathAndQuery);
    }

    private URI otlpHttp(String path) {
        return URI.create("http://127.0.0.1:" + ports.otlpHttp() + path);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    /** The training server's three listeners on 127.0.0.1. */
    record Ports(int api, int otlpGrpc, int otlpHttp) {
    }
}
