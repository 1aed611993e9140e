package io.sightline.storage.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.Appender;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class AppenderSeriesLabelsTest {
    @TempDir
    Path dir;

    private Storage open() {
        return Storage.open(new StorageConfig(dir, 2 * 3_600_000L, 15 * 24 * 3_600_000L, WalSyncMode.NEVER, 1_000,
                1 << 20, 0, 1_000), OpenTelemetry.noop().getMeter("test"));
    }

    @Test
    void aReferenceGivesTheLabelsInstanceStorageKeepsForItsSeries() {
        try (Storage storage = open()) {
            Labels first = Labels.of("__name__", "up", "job", "api", "instance", "host-1:9100");
            Labels equalCopy = Labels.of("__name__", "up", "job", "api", "instance", "host-1:9100");
            Appender a = storage.appender();
            long ref = a.append(Appender.NO_REF, first, 1_000, 1);
            a.commit();

            Appender b = storage.appender();
            long again = b.append(Appender.NO_REF, equalCopy, 2_000, 2);
            b.commit();

            assertThat(again).isEqualTo(ref);
            Appender c = storage.appender();
            assertThat(c.seriesLabels(again)).isSameAs(first).isNotSameAs(equalCopy);
            c.rollback();
        }
    }

    @Test
    void anUnknownReferenceGivesNoLabels() {
        try (Storage storage = open()) {
            Appender a = storage.appender();
            long ref = a.append(Appender.NO_REF, Labels.of("__name__", "up"), 1_000, 1);
            a.commit();

            Appender b = storage.appender();
            assertThat(b.seriesLabels(ref + 1)).isNull();
            assertThat(b.seriesLabels(Appender.NO_REF)).isNull();
            assertThat(b.seriesLabels(-5)).isNull();
            assertThat(b.seriesLabels(Long.MAX_VALUE)).isNull();
            b.rollback();
        }
    }
}
