package io.sightline.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.server.Sightline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Query limits over real HTTP: a query past {@code query.max_samples} or its timeout fails with Prometheus's
 * status and error type, and the server keeps answering.
 */
class QueryLimitsEndToEndIT {
    @TempDir
    Path dataDir;
    private Sightline sightline;

    @AfterEach
    void stop() {
        if (sightline != null) {
            sightline.close();
        }
    }

    private ApiClient start(String... config) {
        sightline = TestServer.start(dataDir, config);
        return new ApiClient(sightline.httpPort());
    }

    private static void assertError(ApiClient.Reply r, int status, String type, String messageStart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode j = r.json();
        assertThat(j.path("status").asText()).isEqualTo("error");
        assertThat(j.path("errorType").asText()).isEqualTo(type);
        assertThat(j.path("error").asText()).startsWith(messageStart);
    }

    private static void assertHealthy(ApiClient api) {
        assertThat(api.single("vector(1) + 1", 1000)).isEqualTo(2);
        assertThat(api.get("/-/healthy").status()).isEqualTo(200);
    }

    @Test
    void queriesOverMaxSamplesFailAs422ExecutionAndTheServerStaysHealthy() {
        ApiClient api = start("query.max_samples", "1000");

        // A subquery of 3600 one-second steps holds 3600 points at once.
        assertError(api.get("/api/v1/query", "query", "count_over_time(vector(1)[1h:1s])", "time", "7200"),
                422, "execution", "query processing would load too many samples into memory in query execution");
        // A range query of 3601 steps holds as many points.
        assertError(api.postForm("/api/v1/query_range", "query", "vector(1)", "start", "0", "end", "3600", "step", "1"),
                422, "execution", "query processing would load too many samples into memory in query execution");

        assertHealthy(api);
        // Under the limit the same shapes answer.
        assertThat(api.single("count_over_time(vector(1)[10m:1s])", 7200)).isEqualTo(600);
    }

    @Test
    void queriesOverTheirTimeoutFailAs503TimeoutAndTheServerStaysHealthy() {
        ApiClient api = start();

        // 604,800 subquery steps cannot be evaluated within the request's 1 ms timeout.
        assertError(api.get("/api/v1/query", "query", "sum(count_over_time(vector(1)[7d:1s]))", "time", "700000",
                "timeout", "1ms"), 503, "timeout", "query timed out");

        assertHealthy(api);
    }
}
