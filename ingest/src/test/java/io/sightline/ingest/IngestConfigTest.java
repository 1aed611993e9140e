package io.sightline.ingest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngestConfigTest {
    @Test
    void defaultsListenOnLocalhostWithTheOtlpPortsAndDocumentedLimits() {
        IngestConfig c = IngestConfig.defaults();

        assertThat(c.listenAddress()).isEqualTo("127.0.0.1");
        assertThat(c.grpcPort()).isEqualTo(4317);
        assertThat(c.httpPort()).isEqualTo(4318);
        assertThat(c.maxRequestBytes()).isEqualTo(16 << 20);
        assertThat(c.maxLabelsPerSeries()).isEqualTo(64);
        assertThat(c.maxConcurrentRequests()).isGreaterThanOrEqualTo(c.writeThreads());
        assertThat(c.promoteScopeMetadata()).isFalse();
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheKeyAndValue() {
        IngestConfig d = IngestConfig.defaults();
        assertThatThrownBy(() -> d.withListen("127.0.0.1", 70_000, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("otlp.grpc_port must be between 0 and 65535, got 70000");
        assertThatThrownBy(() -> d.withLimits(10, 64, 256, 4096))
                .hasMessageContaining("ingest.max_request_bytes").hasMessageContaining("got 10");
        assertThatThrownBy(() -> d.withConcurrency(2, 4))
                .hasMessage("ingest.write_threads must be between 1 and 2, got 4");
        assertThatThrownBy(() -> d.withListen(" ", 0, 0)).hasMessageContaining("listen_address");
    }
}
