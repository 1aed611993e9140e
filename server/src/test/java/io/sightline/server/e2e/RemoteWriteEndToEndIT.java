package io.sightline.server.e2e;

import com.google.protobuf.CodedOutputStream;
import io.sightline.server.Sightline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.sightline.server.e2e.RemoteWriteBodies.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A Prometheus remote-write sender's path: snappy protobuf POSTed to {@code /api/v1/write} on the API port of a
 * real Sightline (through its HTTP pipeline, which must leave the snappy body alone), then PromQL over the same
 * port sees the samples, and they survive a restart.
 */
class RemoteWriteEndToEndIT {
    private static final long T0 = (System.currentTimeMillis() / 60_000) * 60_000 - 600_000;

    @TempDir
    Path dataDir;
    private Sightline sightline;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        // No self-scrapes: the first one runs at start-up and would race into the snapshot's series count.
        sightline = TestServer.start(dataDir, "self_monitoring.interval", "0");
    }

    @AfterEach
    void stop() {
        if (sightline != null) {
            sightline.close();
        }
    }

    @Test
    void remoteWrittenCounterAndHistogramAreQueryableWithPromqlAndSurviveARestart() throws Exception {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(request);
        for (int i = 0; i < 5; i++) { // five 15 s scrapes: a counter growing by 30 per scrape
            long t = T0 + i * 15_000L;
            out.writeByteArray(1, series(t, 30.0 * i, "__name__", "orders_total", "job", "shop", "instance", "a"));
            // classic histogram: 10 observations per scrape, 5 <= 0.1 and 5 in (0.1, 0.5]
            out.writeByteArray(1, series(t, 5.0 * (i + 1), "__name__", "lat_bucket", "job", "shop", "le", "0.1"));
            out.writeByteArray(1, series(t, 10.0 * (i + 1), "__name__", "lat_bucket", "job", "shop", "le", "0.5"));
            out.writeByteArray(1, series(t, 10.0 * (i + 1), "__name__", "lat_bucket", "job", "shop", "le", "+Inf"));
        }
        out.flush();

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sightline.httpPort() + "/api/v1/write"))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(request.toByteArray()))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        double last = (T0 + 60_000) / 1000.0;
        ApiClient api = new ApiClient(sightline.httpPort());
        assertThat(api.single("orders_total{job=\"shop\"}", last)).isEqualTo(120);
        assertThat(api.single("rate(orders_total[1m])", last)).isCloseTo(2.0, within(1e-9));
        assertThat(api.single("histogram_quantile(0.75, rate(lat_bucket[1m]))", last)).isCloseTo(0.3, within(1e-9));

        sightline.close();
        sightline = TestServer.start(dataDir);
        assertThat(new ApiClient(sightline.httpPort()).single("orders_total", last)).isEqualTo(120);
    }

    @Test
    void garbageBodyOnTheApiPortIsAnswered400WithAMessage() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sightline.httpPort() + "/api/v1/write"))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[]{1, 2, 3, 4, 5})).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("snappy");
    }

    @Test
    void snapshotEndpointWritesTheRemoteWrittenSamplesAsABlockAndLeavesTheServerTakingWrites() throws Exception {
        assertThat(write(series(T0, 1, "__name__", "up", "job", "a"), series(T0, 0, "__name__", "up", "job", "b"))).isEqualTo(204);

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sightline.httpPort()
                + "/api/v1/admin/tsdb/snapshot")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        Matcher m = Pattern.compile("\\{\"status\":\"success\",\"data\":\\{\"name\":\"([0-9A-Za-z-]+)\"}}").matcher(r.body());
        assertThat(m.matches()).as(r.body()).isTrue();
        Path blocks = dataDir.resolve("snapshots").resolve(m.group(1)).resolve("metrics");
        List<Path> written;
        try (Stream<Path> s = Files.list(blocks)) {
            written = s.toList();
        }
        assertThat(written).hasSize(1);
        assertThat(Files.readString(written.getFirst().resolve("meta.json"))).contains("\"numSeries\": 2", "\"numSamples\": 2");
        assertThat(write(series(T0 + 15_000, 1, "__name__", "up", "job", "a"))).isEqualTo(204);
        assertThat(new ApiClient(sightline.httpPort()).single("up{job=\"a\"}", (T0 + 15_000) / 1000.0)).isEqualTo(1);
    }

    private int write(byte[]... timeSeries) throws Exception {
        return RemoteWriteBodies.post(http, sightline.httpPort(), List.of(timeSeries)).statusCode();
    }
}
