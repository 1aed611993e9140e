package io.sightline.ingest.remote;

import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.api.OpenTelemetry;
import io.sightline.ingest.IngestConfig;
import io.sightline.storage.Appender;
import io.sightline.storage.Querier;
import io.sightline.storage.SampleIterator;
import io.sightline.storage.Series;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WriteRequestDecoderCacheTest {
    private static final int SERIES = 50;

    @TempDir
    Path dir;

    /** Series {@code i}'s label fields (TimeSeries field 1, repeated), as Prometheus sends them. */
    private static byte[] labelFields(int i) throws IOException {
        return labelFields("node_hwmon_temp_celsius", "host-" + (i / 10) + ":9100", "s" + (i % 10));
    }

    private static byte[] labelFields(String name, String instance, String sensor) throws IOException {
        String[] labels = {"__name__", name, "instance", instance, "job", "api", "sensor", sensor};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        for (int l = 0; l < labels.length; l += 2) {
            ByteArrayOutputStream label = new ByteArrayOutputStream();
            CodedOutputStream lo = CodedOutputStream.newInstance(label);
            lo.writeString(1, labels[l]);
            lo.writeString(2, labels[l + 1]);
            lo.flush();
            o.writeByteArray(1, label.toByteArray());
        }
        o.flush();
        return out.toByteArray();
    }

    private static byte[] request(long timestamp) throws IOException {
        return request(-1, timestamp);
    }

    /**
     * {@link #SERIES} series with one sample each at {@code timestamp}; {@code sender} -1 for {@link #labelFields(int)}'s
     * series valued 40 + i, else sender's own series ({@code instance=sender<n>}) valued 1000 * sender + i.
     */
    private static byte[] request(int sender, long timestamp) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        for (int i = 0; i < SERIES; i++) {
            ByteArrayOutputStream series = new ByteArrayOutputStream();
            CodedOutputStream s = CodedOutputStream.newInstance(series);
            s.writeRawBytes(sender < 0 ? labelFields(i) : labelFields("m" + (i % 3), "sender" + sender, "s" + i));
            ByteArrayOutputStream sample = new ByteArrayOutputStream();
            CodedOutputStream so = CodedOutputStream.newInstance(sample);
            so.writeDouble(1, sender < 0 ? 40 + i : 1000 * sender + i);
            so.writeInt64(2, timestamp);
            so.flush();
            s.writeByteArray(2, sample.toByteArray());
            s.flush();
            o.writeByteArray(1, series.toByteArray());
        }
        o.flush();
        return out.toByteArray();
    }

    private static void decode(WriteRequestDecoder decoder, Storage storage, byte[] body, long now) throws IOException {
        Appender appender = storage.appender();
        WriteTally tally = decoder.decode(body, body.length, appender, now);
        appender.commit();
        assertThat(tally.accepted).isEqualTo(SERIES);
    }

    @Test
    void aSeriesStorageKnowsButTheCacheDoesNotIsCachedWithStoragesLabelsNotASecondCopy() throws IOException {
        long now = System.currentTimeMillis();
        try (Storage storage = Storage.open(new StorageConfig(dir, 2 * 3_600_000L, 15 * 24 * 3_600_000L,
                WalSyncMode.NEVER, 1_000, 1 << 20, 0, 1_000), OpenTelemetry.noop().getMeter("test"))) {
            decode(new WriteRequestDecoder(IngestConfig.defaults(), new LabelCache(1 << 10)), storage, request(now - 30_000), now);
            // A second cache: every series is new to it (as after an eviction) but known to storage.
            LabelCache cache = new LabelCache(1 << 10);
            decode(new WriteRequestDecoder(IngestConfig.defaults(), cache), storage, request(now - 15_000), now);

            Appender reader = storage.appender();
            int checked = 0;
            for (int i = 0; i < SERIES; i++) {
                byte[] key = labelFields(i);
                LabelCache.Entry e = cache.get(LabelCache.hash(key, 0, key.length), key, 0, key.length);
                if (e != null) {
                    assertThat(e.labels).isSameAs(reader.seriesLabels(e.ref));
                    assertThat(e.labels.get("instance")).isEqualTo("host-" + (i / 10) + ":9100");
                    checked++;
                }
            }
            reader.rollback();
            assertThat(checked).isGreaterThan(SERIES / 2);
        }
    }

    @Test
    void aHitPassesTheCachedLabelsInstanceAndReference() throws IOException {
        long now = System.currentTimeMillis();
        try (Storage storage = Storage.open(new StorageConfig(dir, 2 * 3_600_000L, 15 * 24 * 3_600_000L,
                WalSyncMode.NEVER, 1_000, 1 << 20, 0, 1_000), OpenTelemetry.noop().getMeter("test"))) {
            LabelCache cache = new LabelCache(1 << 10);
            WriteRequestDecoder decoder = new WriteRequestDecoder(IngestConfig.defaults(), cache);
            decode(decoder, storage, request(now - 30_000), now);
            byte[] key = labelFields(7);
            LabelCache.Entry before = cache.get(LabelCache.hash(key, 0, key.length), key, 0, key.length);

            decode(decoder, storage, request(now - 15_000), now);

            LabelCache.Entry after = cache.get(LabelCache.hash(key, 0, key.length), key, 0, key.length);
            assertThat(after.labels).isSameAs(before.labels);
            assertThat(after.ref).isEqualTo(before.ref);
            assertThat(after.labels).isEqualTo(Labels.of("__name__", "node_hwmon_temp_celsius", "instance", "host-0:9100",
                    "job", "api", "sensor", "s7"));
        }
    }

    @Test
    void decodersSharingOneSmallCacheWhileItGrowsAndEvictsStoreEverySampleInItsOwnSeries() throws Exception {
        long now = System.currentTimeMillis();
        int senders = 4;
        int rounds = 30;
        try (Storage storage = Storage.open(new StorageConfig(dir, 2 * 3_600_000L, 15 * 24 * 3_600_000L,
                WalSyncMode.NEVER, 1_000, 1 << 20, 0, 1_000), OpenTelemetry.noop().getMeter("test"))) {
            // 16 slots for 200 series: they evict each other and make it grow (to 256 at most) while others read it.
            LabelCache cache = new LabelCache(16, 256);
            ExecutorService pool = Executors.newFixedThreadPool(senders);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < senders; t++) {
                    int sender = t;
                    done.add(pool.submit(() -> {
                        WriteRequestDecoder decoder = new WriteRequestDecoder(IngestConfig.defaults(), cache);
                        for (int r = 0; r < rounds; r++) {
                            decode(decoder, storage, request(sender, now - 15_000L * (rounds - r)), now);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(cache.capacity()).isGreaterThan(16);

            Map<Labels, List<Double>> stored = new HashMap<>();
            try (Querier q = storage.querier(0, Long.MAX_VALUE / 2)) {
                SeriesSet set = q.select(false, Matcher.of(Matcher.Type.RE, Labels.METRIC_NAME, ".+"));
                while (set.next()) {
                    Series s = set.at();
                    SampleIterator it = s.iterator(null);
                    List<Double> values = new ArrayList<>();
                    while (it.next()) {
                        values.add(it.value());
                    }
                    stored.put(s.labels(), values);
                }
            }
            assertThat(stored).hasSize(senders * SERIES);
            for (int t = 0; t < senders; t++) {
                for (int i = 0; i < SERIES; i++) {
                    Labels labels = Labels.of("__name__", "m" + (i % 3), "instance", "sender" + t, "job", "api",
                            "sensor", "s" + i);
                    assertThat(stored.get(labels)).as("%s", labels)
                            .hasSize(rounds).containsOnly(1000.0 * t + i);
                }
            }
        }
    }
}
