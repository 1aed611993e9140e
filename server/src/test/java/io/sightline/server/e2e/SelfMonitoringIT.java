package io.sightline.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.server.Sightline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Sightline writes its own metrics into its own store, so PromQL (and its own alert rules) can read them. */
class SelfMonitoringIT {
    @TempDir
    Path dir;
    private Sightline sightline;

    @AfterEach
    void stop() {
        if (sightline != null) {
            sightline.close();
        }
    }

    @Test
    void ownMetricsAndDiskFreeAreQueryableWithJobSightline() {
        sightline = TestServer.start(dir, "self_monitoring.interval", "1s");
        ApiClient api = new ApiClient(sightline.httpPort());
        api.get("/api/v1/query", "query", "up"); // one request, so the HTTP counters have a series
        String instance = "127.0.0.1:" + sightline.httpPort();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            double now = System.currentTimeMillis() / 1000.0;
            JsonNode free = api.instant("sightline_storage_disk_free_bytes{job=\"sightline\"}", now);
            assertThat(free).hasSize(1);
            assertThat(free.get(0).path("metric").path("instance").asText()).isEqualTo(instance);
            assertThat(free.get(0).path("value").get(1).asDouble()).isPositive();
            assertThat(api.single("sightline_storage_disk_total_bytes{job=\"sightline\"} >= bool "
                    + "sightline_storage_disk_free_bytes{job=\"sightline\"}", now)).isEqualTo(1);
            assertThat(api.instant("sightline_http_requests_total{job=\"sightline\"}", now)).isNotEmpty();
            assertThat(api.single("sightline_storage_dir_bytes{job=\"sightline\",dir=\"wal\"} > bool 0", now)).isEqualTo(1);
        });
    }

    @Test
    void metricsEndpointServesWalCompactionBlockAndRuleSeries() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.yml"),
                "groups: [ {name: self, rules: [ {record: 'one:sum', expr: 'vector(1)'} ] } ]\n");
        sightline = TestServer.start(dir.resolve("data"), "self_monitoring.interval", "1s",
                "rule_files", rules.toString(), "global.evaluation_interval", "1s", "storage.wal.fsync", "always");
        ApiClient api = new ApiClient(sightline.httpPort());

        // Self-scrapes and the recording rule write samples, so the WAL writes and fsyncs and the rule evaluates.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(api.get("/metrics").body())
                        .containsPattern("sightline_storage_wal_write_duration_seconds_count(\\{[^}]*})? [1-9]")
                        .containsPattern("sightline_storage_wal_fsync_duration_seconds_count(\\{[^}]*})? [1-9]")
                        .containsPattern("sightline_alerting_rule_evaluation_duration_seconds_count\\{[^}]*rule_group=\"self\"[^}]*} [1-9]")
                        .containsPattern("sightline_alerting_rule_evaluations_total\\{[^}]*rule_group=\"self\"[^}]*} [1-9]"));
        String body = api.get("/metrics").body();
        assertThat(body)
                .containsPattern("sightline_storage_compactions_total\\{[^}]*kind=\"head_cut\"[^}]*result=\"failure\"[^}]*} 0")
                .containsPattern("sightline_storage_compactions_total\\{[^}]*kind=\"merge\"[^}]*result=\"success\"[^}]*} 0")
                .containsPattern("sightline_storage_block_bytes(\\{[^}]*})? 0")
                .contains("sightline_storage_blocks");
    }

    @Test
    void selfMonitoringCanBeTurnedOff() throws Exception {
        sightline = TestServer.start(dir, "self_monitoring.interval", "0");
        ApiClient api = new ApiClient(sightline.httpPort());
        // /metrics still serves them; the store holds none.
        assertThat(api.get("/metrics").body()).contains("sightline_storage_disk_free_bytes");
        assertThat(api.instant("{job=\"sightline\"}", System.currentTimeMillis() / 1000.0)).isEmpty();
    }
}
