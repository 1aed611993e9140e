package io.sightline.storage.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataDirLockTest {
    @TempDir
    Path dir;

    @Test
    void secondStoreOnTheSameDirectoryIsRefusedUntilTheFirstCloses() {
        StorageConfig config = StorageConfig.defaults(dir);
        Storage first = Storage.open(config, OpenTelemetry.noop().getMeter("test"));
        try {
            assertThatThrownBy(() -> Storage.open(config, OpenTelemetry.noop().getMeter("test")))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("in use");
            assertThat(first.appender()).isNotNull();
        } finally {
            first.close();
        }
        try (Storage again = Storage.open(config, OpenTelemetry.noop().getMeter("test"))) {
            assertThat(again.stats().headSeries()).isZero();
        }
    }
}
