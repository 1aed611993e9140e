package io.sightline.server.store;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.sightline.storage.LogAppender;
import io.sightline.storage.LogQuerier;
import io.sightline.storage.LogStore;
import io.sightline.storage.LogStoreConfig;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LazyLogStoreTest {
    private static final Meter METER = OpenTelemetry.noop().getMeter("test");
    private static final Labels STREAM = Labels.of("service_name", "api");
    private static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir
    Path tmp;

    @Test
    void anUnusedStoreCreatesNothingOnDiskAndAnswersRetentionWithNothing() {
        LogStoreConfig config = LogStoreConfig.defaults(tmp.resolve("logs"));
        try (LogStore store = LazyLogStore.open(config, METER)) {
            store.cutSegment();
            assertThat(store.applyRetention()).isZero();
        }
        assertThat(tmp.resolve("logs")).doesNotExist();
    }

    @Test
    void theFirstAppendOpensTheStoreAndItsRecordsAreRead() {
        LogStoreConfig config = LogStoreConfig.defaults(tmp.resolve("logs"));
        try (LogStore store = LazyLogStore.open(config, METER)) {
            assertThat(tmp.resolve("logs")).doesNotExist();
            append(store, 1, "first line");
            assertThat(tmp.resolve("logs")).isDirectory();
            assertThat(read(store)).containsExactly("first line");
        }
    }

    @Test
    void recordsStoredBeforeARestartAreFoundAfterIt() {
        LogStoreConfig config = LogStoreConfig.defaults(tmp.resolve("logs"));
        try (LogStore store = LazyLogStore.open(config, METER)) {
            append(store, 1, "before the restart");
        }
        try (LogStore store = LazyLogStore.open(config, METER)) {
            assertThat(read(store)).containsExactly("before the restart");
            append(store, 2, "after the restart");
            assertThat(read(store)).containsExactly("before the restart", "after the restart");
        }
    }

    @Test
    void aStoreWithADirectoryOpensAtStartAndATailSeesItsBatches() throws Exception {
        Files.createDirectories(tmp.resolve("logs"));
        LogStoreConfig config = LogStoreConfig.defaults(tmp.resolve("logs"));
        try (LogStore store = LazyLogStore.open(config, METER)) {
            assertThat(tmp.resolve("logs").resolve("wal")).isDirectory(); // opened: its WAL is there
            List<String> tailed = new ArrayList<>();
            try (LogStore.Subscription ignored = store.subscribe(batch -> batch.forEach(r -> tailed.add(r.body())))) {
                append(store, 1, "tailed");
            }
            assertThat(tailed).containsExactly("tailed");
        }
    }

    @Test
    void aClosedStoreRefusesUseNamingIt() {
        LogStore store = LazyLogStore.open(LogStoreConfig.defaults(tmp.resolve("logs")), METER);
        store.close();
        assertThatThrownBy(store::appender).isInstanceOf(IllegalStateException.class).hasMessage("the log store is closed");
        assertThat(tmp.resolve("logs")).doesNotExist();
    }

    private static void append(LogStore store, long nanosAfterT0, String body) {
        LogAppender a = store.appender();
        a.append(LogRecord.line(STREAM, T0 + nanosAfterT0, body));
        a.commit();
    }

    private static List<String> read(LogStore store) {
        List<String> bodies = new ArrayList<>();
        try (LogQuerier q = store.querier(T0, T0 + 1_000)) {
            q.select(List.of(Matcher.eq("service_name", "api")), List.of(), true, r -> bodies.add(r.body()));
        }
        return bodies;
    }
}
