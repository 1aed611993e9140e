package io.sightline.storage.traces;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.SpanAppender;
import io.sightline.storage.TestSpans;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.model.Span;
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
