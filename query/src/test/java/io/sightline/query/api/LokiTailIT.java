package io.sightline.query.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.query.ApiSecurity;
import io.sightline.storage.LogAppender;
import io.sightline.storage.LogStore;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Live tail ({@code /loki/api/v1/tail}) over a real WebSocket against the real server and log store. */
class LokiTailIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long S = 1_000_000_000L;

    @TempDir
    Path dir;
    private LokiTestServer server;
    private LogStore logs;
    private final List<WebSocket> sockets = new ArrayList<>();

    @BeforeEach
    void start() {
        server = new LokiTestServer(dir, store -> { });
        logs = server.logs();
    }

    @AfterEach
    void stop() {
        sockets.forEach(WebSocket::abort);
        server.close();
    }

    private void append(String service, String... lines) {
        LogAppender a = logs.appender();
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < lines.length; i++) {
            a.append(LogRecord.line(Labels.of("service_name", service), now - (lines.length - i) * 1000L, lines[i]));
        }
        a.commit();
    }

    /** Collects whole text messages. */
    private static final class Collector implements WebSocket.Listener {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder part = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                messages.add(part.toString());
                part.setLength(0);
            }
            ws.request(1);
            return null;
        }

        JsonNode next() throws InterruptedException, java.io.IOException {
            String m = messages.poll(30, TimeUnit.SECONDS);
            assertThat(m).as("a tail message").isNotNull();
            return JSON.readTree(m);
        }
    }

    private Collector connect(String... params) throws Exception {
        Collector c = new Collector();
        sockets.add(server.http().newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/loki/api/v1/tail"
                + LokiTestServer.query(params)), c).get(30, TimeUnit.SECONDS));
        return c;
    }

    private static List<String> lines(JsonNode message) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : message.path("streams")) {
            for (JsonNode v : s.path("values")) {
                out.add(v.get(1).asText());
            }
        }
        return out;
    }

    @Test
    void sendsRecentLinesFirstThenEveryNewMatchingLine() throws Exception {
        append("api", "GET /a 200", "GET /b 500", "GET /c 200");
        append("db", "slow query 500");
        // Grafana's live mode sends the query alone.
        Collector c = connect("query", "{service_name=\"api\"} |= \"500\"");
        JsonNode history = c.next();
        assertThat(lines(history)).containsExactly("GET /b 500");
        assertThat(history.path("streams").get(0).path("stream").path("service_name").asText()).isEqualTo("api");

        append("api", "GET /d 500", "GET /e 200", "GET /f 500");
        append("db", "another 500");
        List<String> live = new ArrayList<>();
        while (live.size() < 2) {
            JsonNode m = c.next();
            live.addAll(lines(m));
            assertThat(m.has("dropped_entries")).isFalse();
        }
        assertThat(live).containsExactly("GET /d 500", "GET /f 500");
    }

    @Test
    void appliesParsersAndLabelFiltersToLiveLines() throws Exception {
        Collector c = connect("query", "{service_name=\"api\"} | logfmt | status >= 500", "limit", "10",
                "start", Long.toString(System.currentTimeMillis() * 1_000_000L - 60 * S), "delay_for", "0");
        append("api", "path=/x status=200", "path=/y status=503");
        JsonNode m = c.next();
        assertThat(lines(m)).containsExactly("path=/y status=503");
        assertThat(m.path("streams").get(0).path("stream").path("status").asText()).isEqualTo("503");
    }

    @Test
    void aTailOutlivesTheRequestReadTimeout() throws Exception {
        // The read timeout bounds how long an HTTP request may take to arrive; after the upgrade the connection is
        // a long-lived WebSocket and client frames (pings) must not start that clock again.
        server.close();
        server = new LokiTestServer(dir.resolve("short"), store -> { },
                new ApiSecurity(null, ApiSecurity.AccessPolicy.OPEN, 300));
        logs = server.logs();
        Collector c = connect("query", "{service_name=\"api\"}", "delay_for", "0");
        WebSocket ws = sockets.getLast();
        ws.sendPing(java.nio.ByteBuffer.wrap(new byte[] {1})).get(10, TimeUnit.SECONDS);
        Thread.sleep(1_000);
        ws.sendPing(java.nio.ByteBuffer.wrap(new byte[] {2})).get(10, TimeUnit.SECONDS);
        append("api", "still here");
        assertThat(lines(c.next())).containsExactly("still here");
    }

    @Test
    void rejectsBadQueriesBeforeTheUpgrade() {
        assertThat(handshakeStatus("query", "{service_name=\"api\"")).isEqualTo(400);
        assertThat(handshakeStatus("query", "rate({service_name=\"api\"}[1m])")).isEqualTo(400);
        assertThat(handshakeStatus("query", "{service_name=~\".*\"}")).isEqualTo(400);
        assertThat(handshakeStatus("query", "{service_name=\"api\"}", "delay_for", "6")).isEqualTo(400);
        assertThat(handshakeStatus()).isEqualTo(400);
    }

    private int handshakeStatus(String... params) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> connect(params));
        assertThat(t).isInstanceOf(ExecutionException.class).cause().isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) t.getCause()).getResponse().statusCode();
    }

    @Test
    void aPlainRequestIsToldToUpgrade() throws Exception {
        HttpResponse<String> r = server.get("/loki/api/v1/tail", "query", "{service_name=\"api\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("WebSocket");
    }

    @Test
    void aClosedClientStopsReceivingAndTheServerKeepsServing() throws Exception {
        connect("query", "{service_name=\"api\"}");
        sockets.getLast().sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(30, TimeUnit.SECONDS);
        append("api", "after close");
        Collector again = connect("query", "{service_name=\"api\"}");
        assertThat(lines(again.next())).containsExactly("after close");
    }
}
