package io.sightline.ingest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/** What the remote-write tests share: a started {@link IngestFixture} on a temporary directory, closed after each test. */
abstract class AbstractRemoteWriteTest {
    static final String PROTOBUF = "application/x-protobuf";

    @TempDir
    Path dataDir;
    IngestFixture fixture;

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    IngestFixture start(IngestConfig config) throws IOException {
        fixture = new IngestFixture(dataDir, config);
        return fixture;
    }
}
