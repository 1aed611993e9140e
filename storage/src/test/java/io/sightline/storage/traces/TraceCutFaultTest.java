package io.sightline.storage.traces;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.SpanAppender;
import io.sightline.storage.StorageException;
import io.sightline.storage.TestSpans;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.ForwardingFileFacade;
import io.sightline.storage.io.FullDiskFiles;
import io.sightline.storage.model.Span;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import static io.sightline.storage.TestSpans.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A cut that fails half way: its spans stay readable from the head, and a later cut stores them once. */
class TraceCutFaultTest {
    @TempDir
    Path dir;

    private TraceEngine open(FileFacade files) {
        return TraceEngine.open(TraceStoreConfig.defaults(dir), OpenTelemetry.noop().getMeter("test"),
                InstantSource.system(), files);
    }

    private static List<Span> all(TraceEngine engine) {
        List<Span> out = new ArrayList<>();
        try (TraceQuerier q = engine.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            q.select(List.of(), out::add);
        }
        return out;
    }

    @Test
    void aFailedRenameKeepsTheSpansInTheHeadAndTheNextCutStoresThemOnce() {
        FailingRename files = new FailingRename();
        List<Span> spans = new ArrayList<>();
        try (TraceEngine engine = open(files)) {
            TestSpans gen = new TestSpans(4);
            for (int t = 0; t < 5; t++) {
                SpanAppender a = engine.appender();
                List<Span> trace = gen.trace(t, T0 + t);
                trace.forEach(a::append);
                a.commit();
                spans.addAll(trace);
            }
            files.isFailing = true;
            assertThatThrownBy(engine::cutSegment).isInstanceOf(StorageException.class).hasMessageContaining("rename refused");
            assertThat(all(engine)).hasSameElementsAs(spans);
            try (TraceQuerier q = engine.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                assertThat(q.trace(TestSpans.traceId(2))).isNotEmpty();
            }
            files.isFailing = false;
            engine.cutSegment();
            assertThat(all(engine)).hasSameElementsAs(spans);
        }
        try (TraceEngine engine = open(DefaultFileFacade.INSTANCE)) {
            assertThat(all(engine)).hasSameElementsAs(spans).hasSize(spans.size());
            List<Long> sequences = new ArrayList<>();
            engine.forEachSince(0, (seq, s) -> sequences.add(seq));
            assertThat(sequences).containsExactly(1L, 2L, 3L, 4L, 5L);
        }
    }

    @Test
    void commitsPastTwiceTheHeadLimitWaitForTheJobThreadsCutsAndLoseNothing() throws Exception {
        FailingRename files = new FailingRename();
        // Retention of a century: the test spans are from 2023 and must not expire while the job thread runs.
        TraceStoreConfig config = new TraceStoreConfig(dir, 3600_000L, 64 << 10, 100L * 365 * 24 * 3600_000L, WalSyncMode.NEVER, 1_000,
                TraceStoreConfig.DEFAULT_INDEXED_ATTRIBUTES);
        List<Span> spans = java.util.Collections.synchronizedList(new ArrayList<>());
        try (TraceEngine engine = TraceEngine.open(config, OpenTelemetry.noop().getMeter("test"), InstantSource.system(), files)) {
            TestSpans gen = new TestSpans(12);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread committer = new Thread(() -> {
                try {
                    for (int t = 0; t < 600; t++) { // ~10x the head limit
                        SpanAppender a = engine.appender();
                        List<Span> trace = gen.trace(t, T0 + t);
                        trace.forEach(a::append);
                        a.commit();
                        spans.addAll(trace);
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            }, "test-committer");
            committer.start();
            committer.join();
            assertThat(failed.get()).isNull();
            assertThat(all(engine)).hasSameElementsAs(spans).hasSize(spans.size());
        }
        assertThat(files.publishers).containsExactly("sightline-trace-store"); // never on the committing thread
        try (TraceEngine engine = open(DefaultFileFacade.INSTANCE)) {
            assertThat(all(engine)).hasSameElementsAs(spans).hasSize(spans.size());
        }
    }

    @Test
    void aFullDiskAtACutKeepsTheSpansInTheHeadAndCommitsAndCutsResumeWhenSpaceReturns() {
        FullDiskFiles files = new FullDiskFiles();
        TestSpans gen = new TestSpans(4);
        List<Span> spans = new ArrayList<>();
        try (TraceEngine engine = open(files)) {
            for (int t = 0; t < 5; t++) {
                spans.addAll(commit(engine, gen, t));
            }
            files.isFull = true;
            assertThatThrownBy(engine::cutSegment).isInstanceOf(StorageException.class)
                    .hasMessageContaining("No space left on device");
            assertThat(all(engine)).hasSameElementsAs(spans).hasSize(spans.size());
            assertThatThrownBy(() -> commit(engine, gen, 5)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("No space left on device");
            files.isFull = false;
            spans.addAll(commit(engine, gen, 6));
            engine.cutSegment();
            spans.addAll(commit(engine, gen, 7));
            assertThat(all(engine)).hasSameElementsAs(spans).hasSize(spans.size());
        }
        try (TraceEngine engine = open(DefaultFileFacade.INSTANCE)) {
            assertThat(all(engine)).hasSameElementsAs(spans).hasSize(spans.size());
            assertThat(sequences(engine)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        }
    }

    @Test
    void aStoreOpenedOnAFullDiskAnswersFromItsWalAndTakesCommitsOnceSpaceReturns() {
        TestSpans gen = new TestSpans(4);
        List<Span> spans = new ArrayList<>();
        try (TraceEngine engine = open(DefaultFileFacade.INSTANCE)) {
            for (int t = 0; t < 3; t++) {
                spans.addAll(commit(engine, gen, t));
            }
        }
        FullDiskFiles files = new FullDiskFiles();
        files.isFull = true;
        try (TraceEngine engine = open(files)) {
            assertThat(all(engine)).hasSameElementsAs(spans).hasSize(spans.size());
            assertThatThrownBy(() -> commit(engine, gen, 3)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("No space left on device");
            files.isFull = false;
            spans.addAll(commit(engine, gen, 4));
            assertThat(all(engine)).hasSameElementsAs(spans).hasSize(spans.size());
        }
        try (TraceEngine engine = open(DefaultFileFacade.INSTANCE)) {
            assertThat(all(engine)).hasSameElementsAs(spans).hasSize(spans.size());
            assertThat(sequences(engine)).as("each commit once, in order, after the replayed ones").hasSize(4)
                    .isSorted().doesNotHaveDuplicates().startsWith(1L, 2L, 3L);
        }
    }

    private static List<Span> commit(TraceEngine engine, TestSpans gen, int t) {
        SpanAppender a = engine.appender();
        List<Span> trace = gen.trace(t, T0 + t);
        trace.forEach(a::append);
        a.commit();
        return trace;
    }

    private static List<Long> sequences(TraceEngine engine) {
        List<Long> sequences = new ArrayList<>();
        engine.forEachSince(0, (seq, s) -> sequences.add(seq));
        return sequences;
    }

    /** The real file system, refusing renames on demand (as a full or read-only disk would fail the cut). */
    private static final class FailingRename extends ForwardingFileFacade {
        volatile boolean isFailing;
        /** The threads that published a segment (renamed its temporary directory). */
        final Set<String> publishers = ConcurrentHashMap.newKeySet();

        @Override
        public void moveAtomically(Path from, Path to) throws IOException {
            publishers.add(Thread.currentThread().getName());
            if (isFailing) {
                throw new IOException("rename refused: " + from);
            }
            real.moveAtomically(from, to);
        }
    }
}
