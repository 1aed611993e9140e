package io.sightline.server.e2e;

import io.sightline.server.Sightline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Abuse limits on plain-HTTP listeners: a client trickling its request is cut off by the read deadline (the idle
 * timeout alone would never fire), an oversized header block is refused before anything is buffered, and a
 * client over its request rate gets 429 with Retry-After.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbuseLimitsIT {
    @TempDir
    static Path dir;
    private Sightline sightline;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() {
        sightline = TestServer.start(dir,
                "ingest.read_timeout", "1s",
                "http.read_timeout", "1s",
                "ingest.max_header_bytes", "2KiB",
                "http.max_header_bytes", "2KiB",
                "ingest.rate_limit.requests_per_second", "1",
                "ingest.rate_limit.burst", "2",
                "self_monitoring.interval", "0");
    }

    @AfterAll
    void stop() {
        if (sightline != null) {
            sightline.close();
        }
    }

    @Test
    void otlpHttpCutsOffAClientTricklingItsHeaders() throws Exception {
        assertThat(trickleUntilClosed(sightline.otlpHttpPort(), "POST /v1/metrics HTTP/1.1\r\nHost: x\r\n")).isTrue();
    }

    @Test
    void apiCutsOffAClientTricklingItsHeaders() throws Exception {
        assertThat(trickleUntilClosed(sightline.httpPort(), "GET /api/v1/query?query=up HTTP/1.1\r\nHost: x\r\n")).isTrue();
    }

    @Test
    void apiCutsOffAClientThatStopsSendingItsBody() throws Exception {
        try (Socket s = new Socket("127.0.0.1", sightline.httpPort())) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write(("POST /api/v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 1000\r\n\r\nquery=up").getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntilClosed(s.getInputStream())).isEmpty();
        }
    }

    @Test
    void oversizedHeadersGet431OnBothHttpListeners() throws Exception {
        String big = "x".repeat(4096);
        HttpResponse<String> otlp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sightline.otlpHttpPort() + "/v1/metrics"))
                .header("X-Padding", big).POST(HttpRequest.BodyPublishers.ofString("")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(otlp.statusCode()).isEqualTo(431);
        HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sightline.httpPort() + "/api/v1/query?query=up"))
                .header("X-Padding", big).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(431);
        assertThat(api.body()).contains("http.max_header_bytes");
    }

    @Test
    void aClientOverItsIngestRateGets429WithRetryAfter() throws Exception {
        byte[] body = ListenerSecurityIT.otlpGauge("rate_limited_metric").toByteArray();
        List<Integer> statuses = new ArrayList<>();
        String retryAfter = null;
        // Burst 2 at 1 request/s: the third of back-to-back requests is refused unless a whole second passed.
        for (int i = 0; i < 10 && !statuses.contains(429); i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sightline.otlpHttpPort() + "/v1/metrics"))
                    .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            statuses.add(r.statusCode());
            retryAfter = r.headers().firstValue("Retry-After").orElse(retryAfter);
        }
        assertThat(statuses).contains(200, 429).allMatch(s -> s == 200 || s == 429);
        assertThat(retryAfter).isEqualTo("1");
    }

    /** Sends {@code head}, then one header byte every 100 ms; true once the server closes the connection. */
    private static boolean trickleUntilClosed(int port, String head) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write("X-Slow: ".getBytes(StandardCharsets.US_ASCII));
            Thread trickler = Thread.ofVirtual().start(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        out.write('a');
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // the server closed the connection, or the test is done
                }
            });
            try {
                return readUntilClosed(s.getInputStream()).isEmpty();
            } finally {
                trickler.interrupt();
            }
        }
    }

    /** Reads until end of stream or reset; returns what arrived (a cut-off connection gets no response). */
    private static String readUntilClosed(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        try {
            int b;
            while ((b = in.read()) >= 0) {
                sb.append((char) b);
            }
        } catch (java.net.SocketException e) {
            // connection reset: closed as well
        }
        return sb.toString();
    }
}
