package io.sightline.query.api;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.query.ApiConfig;
import io.sightline.query.ApiSecurity;
import io.sightline.query.ApiServer;
import io.sightline.query.LogQueryConfig;
import io.sightline.query.LogQueryEngine;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryEngines;
import io.sightline.storage.LogStore;
import io.sightline.storage.LogStoreConfig;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** The real API server over a real log store (and an empty metrics store) on a loopback port, for the Loki ITs. */
final class LokiTestServer implements AutoCloseable {
    private final Storage storage;
    private final LogStore logs;
    private final ApiServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    /** Opens the stores under {@code dir}, lets {@code seed} write logs, then starts the server. */
    LokiTestServer(Path dir, Consumer<LogStore> seed) {
        this(dir, seed, ApiSecurity.none());
    }

    /** As above, with listener security settings (e.g. a short {@code http.read_timeout}). */
    LokiTestServer(Path dir, Consumer<LogStore> seed, ApiSecurity security) {
        storage = Storage.open(StorageConfig.defaults(dir.resolve("metrics")), OpenTelemetry.noop().getMeter("t"));
        logs = LogStore.open(LogStoreConfig.defaults(dir.resolve("logs")), OpenTelemetry.noop().getMeter("t"));
        seed.accept(logs);
        server = ApiServer.start(ApiConfig.defaults().withListen("127.0.0.1", 0), security,
                QueryEngines.promql(storage, QueryConfig.defaults(), OpenTelemetry.noop().getMeter("q")), storage,
                LogQueryEngine.create(logs, LogQueryConfig.defaults()), logs, null, null, List.of(),
                OpenTelemetry.noop().getMeter("h"));
    }

    LogStore logs() {
        return logs;
    }

    int port() {
        return server.port();
    }

    HttpClient http() {
        return http;
    }

    /** {@code ?a=1&b=2} with the values URL-encoded; empty for no parameters. */
    static String query(String... params) {
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < params.length; i += 2) {
            q.append(q.isEmpty() ? '?' : '&').append(params[i]).append('=')
                    .append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
        }
        return q.toString();
    }

    HttpResponse<String> get(String path, String... params) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path + query(params))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.close();
        logs.close();
        storage.close();
    }
}
