package io.sightline.query;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiConfigTest {
    private static ApiConfig with(int port, int maxBody, int maxHeader, int workers, int queue, long idle, long shutdown) {
        return new ApiConfig("127.0.0.1", port, maxBody, maxHeader, workers, queue, idle, shutdown,
                QueryConfig.defaults(), ApiConfig.Status.unknown());
    }

    @Test
    void defaultsBindLocalhost9090() {
        ApiConfig c = ApiConfig.defaults();
        assertThat(c.listenAddress()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.maxConnections()).isEqualTo(512);
        assertThat(c.withListen("0.0.0.0", 0).port()).isZero();
        assertThat(c.withStatus(new ApiConfig.Status("9", "r", "b", "u", "d", Map.of("k", "v"), "", "1d"))
                .status().version()).isEqualTo("9");
    }

    @Test
    void badValuesAreRefusedNamingTheKeyAndValue() {
        assertThatThrownBy(() -> with(70000, 1, 1024, 1, 1, 1, 0)).hasMessage("http_port must be within 0..65535, got 70000");
        assertThatThrownBy(() -> with(0, 0, 1024, 1, 1, 1, 0)).hasMessage("http.max_body_bytes must be > 0, got 0");
        assertThatThrownBy(() -> with(0, 1, 100, 1, 1, 1, 0)).hasMessage("http.max_header_bytes must be at least 1024, got 100");
        assertThatThrownBy(() -> with(0, 1, 1024, 0, 1, 1, 0)).hasMessage("http.worker_threads must be > 0, got 0");
        assertThatThrownBy(() -> with(0, 1, 1024, 1, -1, 1, 0)).hasMessage("http.worker_queue must be > 0, got -1");
        assertThatThrownBy(() -> with(0, 1, 1024, 1, 1, 0, 0)).hasMessage("http.idle_timeout must be > 0, got 0");
        assertThatThrownBy(() -> with(0, 1, 1024, 1, 1, 1, -1)).hasMessage("http.shutdown_timeout must be >= 0, got -1ms");
        assertThatThrownBy(() -> new ApiConfig("127.0.0.1", 0, 1, 1024, 1, 1, 1, 0, 0, QueryConfig.defaults(),
                ApiConfig.Status.unknown())).hasMessage("http.max_connections must be > 0, got 0");
    }
}
