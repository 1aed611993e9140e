package io.sightline.server.e2e;

import io.sightline.server.Sightline;
import io.sightline.server.config.ConfigSource;
import io.sightline.server.config.ServerConfig;

import java.nio.file.Path;

/** Starts an in-process Sightline on ephemeral 127.0.0.1 ports over a temporary data dir. */
final class TestServer {
    private TestServer() {
    }

    static Sightline start(Path dataDir, String... extraKeyValues) {
        ConfigSource src = ConfigSource.empty()
                .override("data_dir", dataDir.toString(), "test")
                .override("listen_address", "127.0.0.1", "test")
                .override("http_port", "0", "test")
                .override("otlp.grpc_port", "0", "test")
                .override("otlp.http_port", "0", "test");
        for (int i = 0; i < extraKeyValues.length; i += 2) {
            src.override(extraKeyValues[i], extraKeyValues[i + 1], "test");
        }
        return Sightline.start(ServerConfig.from(src));
    }
}
