package io.sightline.storage.logs;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.LogAppender;
import io.sightline.storage.LogQuerier;
import io.sightline.storage.LogStore;
import io.sightline.storage.LogStoreConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Segments of format version 1 (written by the previous build; fixture {@code logs/segment-v1}: 3,000 lines of
 * two streams, several pages each) still open, read and count, though their page index has no body bytes.
 */
class SegmentVersionTest {
    @TempDir
    Path dir;

    @Test
    void aVersionOneSegmentIsReadAndCountedLikeANewOne() throws IOException {
        Path seg = dir.resolve("seg-00000002");
        Files.createDirectories(seg);
        try (InputStream in = getClass().getResourceAsStream("/logs/segment-v1/seg-00000002/segment")) {
            assertThat(in).isNotNull();
            Files.copy(in, seg.resolve(SegmentFormat.FILE));
        }
        LogStoreConfig config = new LogStoreConfig(dir, 3_600_000, 64L << 20, 100L * 365 * 86_400_000, WalSyncMode.NEVER, 1000);
        try (LogStore store = LogStore.open(config, OpenTelemetry.noop().getMeter("t"))) {
            List<LogRecord> old = select(store);
            assertThat(old).hasSize(3000);
            assertThat(old.getFirst().body()).isEqualTo("line 0 grüße ");
            assertThat(old.getFirst().metadata()).isEqualTo(Labels.of("pod", "p0"));
            long[] want = entriesAndBytes(old);
            assertThat(count(store, (a, b) -> false)).containsExactly(want);
            assertThat(count(store, (a, b) -> true)).containsExactly(want);

            // The same lines again, cut by this build (version 2): the page index now answers the bytes.
            LogAppender a = store.appender();
            for (LogRecord r : old) {
                a.append(new LogRecord(r.stream(), r.timestampNanos() + 10_000_000_000_000L, 0, r.severityNumber(),
                        r.severityText(), r.body(), "", "", r.metadata()));
            }
            a.commit();
            store.cutSegment();
            assertThat(count(store, (x, y) -> false)).containsExactly(want[0] * 2, want[1] * 2);
        }
    }

    private static List<LogRecord> select(LogStore store) {
        List<LogRecord> out = new ArrayList<>();
        try (LogQuerier q = store.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            q.select(List.of(Matcher.of(Matcher.Type.RE, "service_name", ".+")), List.of(), true, out::add);
        }
        return out;
    }

    private static long[] entriesAndBytes(List<LogRecord> records) {
        long bytes = 0;
        for (LogRecord r : records) {
            bytes += r.body().getBytes(StandardCharsets.UTF_8).length;
        }
        return new long[] {records.size(), bytes};
    }

    private static long[] count(LogStore store, LogQuerier.SpanSplitter splitter) {
        long[] out = new long[2];
        try (LogQuerier q = store.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            q.count(List.of(Matcher.of(Matcher.Type.RE, "service_name", ".+")), splitter, (stream, min, max, entries, bytes) -> {
                out[0] += entries;
                out[1] += bytes;
            });
        }
        return out;
    }
}
