package io.sightline.storage.traces;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.SpanAppender;
import io.sightline.storage.TestSpans;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import io.sightline.storage.model.SpanEvent;
import io.sightline.storage.model.SpanLink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.sightline.storage.TestSpans.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The trace WAL after a crash: a torn or garbled tail is cut, everything before it comes back. */
class TraceWalTest {
    @TempDir
    Path dir;

    private TraceStore open() {
        return TraceStore.open(TraceStoreConfig.defaults(dir), OpenTelemetry.noop().getMeter("test"));
    }

    private static long commit(TraceStore store, List<Span> spans) {
        SpanAppender a = store.appender();
        spans.forEach(a::append);
        return a.commit();
    }

    private Path newestWalFile() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(TraceEngine.WAL_DIR))) {
            return s.max(Path::compareTo).orElseThrow();
        }
    }

    private static List<Long> sequences(TraceStore store) {
        List<Long> out = new ArrayList<>();
        store.forEachSince(0, (seq, spans) -> out.add(seq));
        return out;
    }

    @Test
    void aTornLastCommitIsCutAndTheEarlierOnesComeBack() throws IOException {
        TestSpans gen = new TestSpans(5);
        List<Span> first = gen.trace(1, T0);
        List<Span> second = gen.trace(2, T0 + 1000);
        long a;
        long b;
        try (TraceStore store = open()) {
            a = commit(store, first);
            b = commit(store, second);
            commit(store, gen.trace(3, T0 + 2000));
        }
        Path wal = newestWalFile();
        try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3); // the last frame lost its final bytes
        }
        try (TraceStore store = open()) {
            assertThat(sequences(store)).containsExactly(a, b);
            assertThat(store.lastSequence()).isEqualTo(b);
            try (TraceQuerier q = store.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                assertThat(q.trace(TestSpans.traceId(2))).hasSameElementsAs(second);
                assertThat(q.trace(TestSpans.traceId(3))).isEmpty();
            }
            long c = commit(store, gen.trace(4, T0 + 3000));
            assertThat(c).isGreaterThan(b);
        }
        try (TraceStore store = open()) {
            assertThat(sequences(store)).hasSize(3);
        }
    }

    @Test
    void nonAsciiAndLongTextLinksEventsAndAlternatingResourcesComeBackFromTheWalAsSent() {
        Attributes first = Attributes.builder().putString("service.name", "kassé").putLong("pid", -7).build();
        Attributes second = Attributes.builder().putString("service.name", "cart").putDouble("load", 0.25).build();
        String longText = "x".repeat(200) + "ü";
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Attributes resource = i % 3 == 2 ? second : first; // shared twice, then another, then back
            spans.add(new Span(TestSpans.traceId(9), TestSpans.spanId(90 + i), i == 0 ? "" : TestSpans.spanId(90),
                    "k=v", i == 1 ? longText : "名前 " + i, Span.KIND_CLIENT, T0 + i, T0 + 10 * i, Span.STATUS_ERROR,
                    "a".repeat(127), Attributes.builder().putString("long", longText).putBool("ok", true).build(),
                    resource, "scope", "1.0", List.of(new SpanEvent(T0 + 1, "évènement", first)),
                    List.of(new SpanLink("ab".repeat(32), "cd", "", second))));
        }
        SpanAppender a;
        try (TraceStore store = open()) {
            a = store.appender();
            spans.forEach(a::append);
            Span badLink = new Span(TestSpans.traceId(9), TestSpans.spanId(99), "", "", "bad", 1, T0, T0, 0, "",
                    Attributes.EMPTY, first, "", "", List.of(), List.of(new SpanLink("ABC", "cd", "", Attributes.EMPTY)));
            assertThatThrownBy(() -> a.append(badLink)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("link trace id").hasMessageContaining("\"ABC\"");
            a.commit(); // the rejected span left nothing behind in the batch
        }
        try (TraceStore store = open()) {
            List<Span> back = new ArrayList<>();
            store.forEachSince(0, (seq, s) -> back.addAll(s));
            assertThat(back).containsExactlyElementsOf(spans);
        }
    }

    @Test
    void garbageAfterTheLastCommitIsCut() throws IOException {
        long a;
        try (TraceStore store = open()) {
            a = commit(store, new TestSpans(6).trace(1, T0));
        }
        Path wal = newestWalFile();
        long goodSize = Files.size(wal);
        try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {40, 0, 0, 0, 1, 2, 3, 4, 9, 9, 9}));
        }
        try (TraceStore store = open()) {
            assertThat(sequences(store)).containsExactly(a);
        }
        assertThat(Files.size(wal)).isEqualTo(goodSize);
    }

    @Test
    void theSequenceSurvivesRestartsWithoutNewCommits() {
        long a;
        try (TraceStore store = open()) {
            a = commit(store, new TestSpans(8).trace(1, T0));
        }
        for (int i = 0; i < 3; i++) {
            try (TraceStore store = open()) {
                assertThat(store.lastSequence()).isEqualTo(a);
            }
        }
    }
}
