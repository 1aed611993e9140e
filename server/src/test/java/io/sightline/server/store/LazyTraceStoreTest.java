package io.sightline.server.store;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.sightline.storage.SpanAppender;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LazyTraceStoreTest {
    private static final Meter METER = OpenTelemetry.noop().getMeter("test");
    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir
    Path tmp;

    @Test
    void anUnusedStoreAnswersAsAnEmptyOneWithoutCreatingIt() {
        try (TraceStore store = LazyTraceStore.open(TraceStoreConfig.defaults(tmp.resolve("traces")), METER)) {
            assertThat(store.lastSequence()).isZero();
            List<Long> visited = new ArrayList<>();
            store.forEachSince(0, (sequence, spans) -> visited.add(sequence));
            assertThat(visited).isEmpty();
            store.cutSegment();
            assertThat(store.applyRetention()).isZero();
        }
        assertThat(tmp.resolve("traces")).doesNotExist();
    }

    @Test
    void theFirstAppendOpensTheStoreAndItsSpansAreRead() {
        try (TraceStore store = LazyTraceStore.open(TraceStoreConfig.defaults(tmp.resolve("traces")), METER)) {
            assertThat(tmp.resolve("traces")).doesNotExist();
            assertThat(commit(store, "b7ad6b7169203331")).isEqualTo(1);
            assertThat(store.lastSequence()).isEqualTo(1);
            assertThat(spanIds(store)).containsExactly("b7ad6b7169203331");
        }
    }

    @Test
    void spansStoredBeforeARestartAreFoundAndRecountedAfterIt() {
        TraceStoreConfig config = TraceStoreConfig.defaults(tmp.resolve("traces"));
        try (TraceStore store = LazyTraceStore.open(config, METER)) {
            commit(store, "b7ad6b7169203331");
        }
        try (TraceStore store = LazyTraceStore.open(config, METER)) {
            // Opened at start (its directory exists): span metrics recount its commits before any new span arrives.
            assertThat(store.lastSequence()).isEqualTo(1);
            List<Long> visited = new ArrayList<>();
            store.forEachSince(0, (sequence, spans) -> visited.add(sequence));
            assertThat(visited).containsExactly(1L);
            assertThat(spanIds(store)).containsExactly("b7ad6b7169203331");
            assertThat(commit(store, "c7ad6b7169203331")).isEqualTo(2);
        }
    }

    @Test
    void aClosedStoreRefusesUseNamingIt() {
        TraceStore store = LazyTraceStore.open(TraceStoreConfig.defaults(tmp.resolve("traces")), METER);
        store.close();
        assertThatThrownBy(() -> store.querier(0, Long.MAX_VALUE)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the trace store is closed");
    }

    private static long commit(TraceStore store, String spanId) {
        SpanAppender a = store.appender();
        a.append(new Span(TRACE, spanId, "", "", "GET /", Span.KIND_SERVER, T0, T0 + 1_000_000, Span.STATUS_OK, "",
                Attributes.EMPTY, Attributes.ofStrings(Span.SERVICE_NAME, "api"), "", "", List.of(), List.of()));
        return a.commit();
    }

    private static List<String> spanIds(TraceStore store) {
        try (TraceQuerier q = store.querier(0, Long.MAX_VALUE)) {
            return q.trace(TRACE).stream().map(Span::spanId).toList();
        }
    }
}
