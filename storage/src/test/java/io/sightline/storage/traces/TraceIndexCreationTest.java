package io.sightline.storage.traces;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.SpanAppender;
import io.sightline.storage.TestSpans;
import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Span;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The trace-id index file exists only once the store has cut a segment: a server without traces pays nothing. */
class TraceIndexCreationTest {
    @TempDir
    Path dataDir;

    private TraceStore open() {
        return TraceStore.open(new TraceStoreConfig(dataDir.resolve("traces"), 3600_000, 4L << 20,
                365L * 24 * 3600_000 * 100, WalSyncMode.NEVER, 1_000, TraceStoreConfig.DEFAULT_INDEXED_ATTRIBUTES),
                OpenTelemetry.noop().getMeter("test"));
    }

    private Path indexFile() {
        return dataDir.resolve("traces").resolve(TraceIndex.FILE);
    }

    private static void commit(TraceStore store, List<Span> spans) {
        SpanAppender a = store.appender();
        spans.forEach(a::append);
        a.commit();
    }

    @Test
    void aStoreWithoutSegmentsHasNoIndexFileAndFindsTracesInItsHead() {
        TestSpans gen = new TestSpans(7);
        List<Span> trace = gen.trace(1, TestSpans.T0);
        try (TraceStore store = open()) {
            commit(store, trace);
            try (var q = store.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                assertThat(q.trace(trace.get(0).traceId())).hasSameSizeAs(trace);
            }
            assertThat(indexFile()).doesNotExist();
        }
        try (TraceStore reopened = open()) {
            assertThat(indexFile()).doesNotExist();
            try (var q = reopened.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                assertThat(q.trace(trace.get(0).traceId())).hasSameSizeAs(trace);
            }
        }
    }

    @Test
    void theFirstCutCreatesTheIndexAndARestartFindsTheTraceThroughIt() {
        TestSpans gen = new TestSpans(8);
        List<Span> first = gen.trace(1, TestSpans.T0);
        List<Span> second = gen.trace(2, TestSpans.T0 + 1_000_000);
        try (TraceStore store = open()) {
            commit(store, first);
            store.cutSegment();
            assertThat(indexFile()).exists();
            commit(store, second);
            store.cutSegment();
        }
        try (TraceStore reopened = open(); var q = reopened.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            assertThat(q.trace(first.get(0).traceId())).hasSameSizeAs(first);
            assertThat(q.trace(second.get(0).traceId())).hasSameSizeAs(second);
        }
    }

    @Test
    void segmentsWhoseIndexFileWasLostAreIndexedAgainAtOpen() throws Exception {
        TestSpans gen = new TestSpans(9);
        List<Span> trace = gen.trace(1, TestSpans.T0);
        try (TraceStore store = open()) {
            commit(store, trace);
            store.cutSegment();
        }
        Files.delete(indexFile());
        Files.deleteIfExists(dataDir.resolve("traces").resolve(TraceIndex.CLEAN_MARKER));
        try (TraceStore reopened = open(); var q = reopened.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            assertThat(indexFile()).exists();
            assertThat(q.trace(trace.get(0).traceId())).hasSameSizeAs(trace);
        }
    }
}
