package io.sightline.storage.engine;

import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.sightline.storage.Appender;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Collection;

import static org.assertj.core.api.Assertions.assertThat;

class StorageMetricsTest {
    @TempDir
    Path dir;

    @Test
    void appendedRejectedSeriesAndFsyncAreExported() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
             Storage s = Storage.open(new StorageConfig(dir, 7_200_000, 360_000_000, WalSyncMode.ALWAYS, 1_000, 1 << 20, 0, 100),
                     provider.get("storage"))) {
            Appender a = s.appender();
            a.append(Appender.NO_REF, Labels.of("__name__", "a"), 2_000, 1);
            a.append(Appender.NO_REF, Labels.of("__name__", "b"), 2_000, 1);
            a.append(Appender.NO_REF, Labels.of("__name__", "a"), 1_000, 1);
            a.commit();

            Collection<MetricData> metrics = reader.collectAllMetrics();
            assertThat(sum(metrics, "sightline_storage_samples_appended_total", null)).isEqualTo(2);
            assertThat(sum(metrics, "sightline_storage_samples_rejected_total", "out_of_order")).isEqualTo(1);
            assertThat(sum(metrics, "sightline_storage_head_series", null)).isEqualTo(2);
            assertThat(metrics).anySatisfy(m -> {
                assertThat(m.getName()).isEqualTo("sightline_storage_wal_fsync_duration_seconds");
                assertThat(m.getHistogramData().getPoints()).allSatisfy(p -> assertThat(p.getCount()).isPositive());
            });
        }
    }

    @Test
    void headChunkFileWritesAreExported() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
             Storage s = Storage.open(new StorageConfig(dir, 7_200_000, 360_000_000, WalSyncMode.NEVER, 1_000, 1 << 20, 0, 100),
                     provider.get("storage"))) {
            long ref = Appender.NO_REF;
            for (int i = 0; i < 250; i++) { // two chunks of 120 samples sealed, each written at its commit
                Appender a = s.appender();
                ref = a.append(ref, Labels.of("__name__", "a"), 1_000 + i * 15_000L, i);
                a.commit();
            }

            Collection<MetricData> metrics = reader.collectAllMetrics();
            assertThat(sum(metrics, "sightline_storage_head_chunks_written_total", null)).isEqualTo(2);
            assertThat(sum(metrics, "sightline_storage_head_chunk_file_bytes", null)).isPositive();
            assertThat(sum(metrics, "sightline_storage_head_chunk_write_failures_total", null)).isZero();
        }
    }

    private static long sum(Collection<MetricData> metrics, String name, String reason) {
        long total = 0;
        for (MetricData m : metrics) {
            if (!m.getName().equals(name)) {
                continue;
            }
            Collection<LongPointData> points = m.getType() == io.opentelemetry.sdk.metrics.data.MetricDataType.LONG_SUM
                    ? m.getLongSumData().getPoints() : m.getLongGaugeData().getPoints();
            for (LongPointData p : points) {
                String r = p.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("reason"));
                if (reason == null || reason.equals(r)) {
                    total += p.getValue();
                }
            }
        }
        return total;
    }
}
