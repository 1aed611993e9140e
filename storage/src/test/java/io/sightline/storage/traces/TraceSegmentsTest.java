package io.sightline.storage.traces;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.sightline.storage.SpanAppender;
import io.sightline.storage.SpanTerm;
import io.sightline.storage.TestSpans;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.model.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.sightline.storage.TestSpans.span;
import static io.sightline.storage.TestSpans.spanId;
import static io.sightline.storage.TestSpans.traceId;
import static org.assertj.core.api.Assertions.assertThat;

/** Segments over time: traces spread over many cuts, the trace-id index, retention and the self-metrics. */
class TraceSegmentsTest {
    private static final long HOUR_MILLIS = 3600_000L;

    @TempDir
    Path dir;
    private final AtomicLong nowMillis = new AtomicLong(1_800_000_000_000L);
    private final InstantSource clock = () -> Instant.ofEpochMilli(nowMillis.get());
    private TraceEngine engine;

    private TraceEngine open(Meter meter) {
        return open(meter, 4L << 20);
    }

    private TraceEngine open(Meter meter, long maxHeadBytes) {
        TraceStoreConfig config = new TraceStoreConfig(dir, 10 * HOUR_MILLIS, maxHeadBytes, 24 * HOUR_MILLIS,
                WalSyncMode.NEVER, 1_000, TraceStoreConfig.DEFAULT_INDEXED_ATTRIBUTES);
        engine = TraceEngine.open(config, meter, clock, DefaultFileFacade.INSTANCE);
        return engine;
    }

    private TraceEngine open() {
        return open(OpenTelemetry.noop().getMeter("test"));
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private long nowNanos() {
        return nowMillis.get() * 1_000_000L;
    }

    private long commit(Span... spans) {
        SpanAppender a = engine.appender();
        Arrays.stream(spans).forEach(a::append);
        return a.commit();
    }

    private List<Integer> segmentNumbers() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> SegmentFormat.walNumber(p.getFileName().toString())).filter(n -> n >= 0).sorted().toList();
        }
    }

    private List<Integer> indexed(String traceId) {
        return Arrays.stream(engine.segmentsOf(Ids.toBytes(traceId))).sorted().boxed().toList();
    }

    private List<Span> trace(String traceId) {
        try (TraceQuerier q = engine.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            return q.trace(traceId);
        }
    }

    @Test
    void aTraceSpreadOverManySegmentsAndTheHeadComesBackWholeAndTheIndexNamesOnlyItsSegments() throws IOException {
        open();
        String spread = traceId(1);
        String once = traceId(2);
        List<Span> expected = new ArrayList<>();
        long t = nowNanos();
        for (int cut = 0; cut < 5; cut++) {
            Span s = span(spread, spanId(cut), cut == 0 ? "" : spanId(0), "svc", "op" + cut, t + cut, 10, 0);
            expected.add(s);
            commit(s, span(traceId(100 + cut), spanId(100 + cut), "", "noise", "n", t, 1, 0));
            if (cut == 2) {
                commit(span(once, spanId(50), "", "svc", "single", t, 1, 0));
            }
            if (cut < 4) {
                engine.cutSegment();
            }
        }
        List<Integer> segments = segmentNumbers();
        assertThat(segments).hasSize(4);
        assertThat(indexed(spread)).containsExactlyElementsOf(segments);
        assertThat(indexed(once)).containsExactly(segments.get(2));
        assertThat(trace(spread)).containsExactlyElementsOf(expected);

        engine.close();
        open();
        assertThat(trace(spread)).containsExactlyElementsOf(expected);
        assertThat(trace(once)).extracting(Span::name).containsExactly("single");
    }

    @Test
    void aLostTraceIndexIsRebuiltFromTheSegments() {
        open();
        long t = nowNanos();
        commit(span(traceId(1), spanId(1), "", "a", "x", t, 1, 0));
        engine.cutSegment();
        commit(span(traceId(1), spanId(2), spanId(1), "a", "y", t + 5, 1, 0));
        engine.cutSegment();
        engine.close();
        TraceIndex.discard(dir, DefaultFileFacade.INSTANCE);

        open();
        assertThat(indexed(traceId(1))).hasSize(2);
        assertThat(trace(traceId(1))).extracting(Span::spanId).containsExactly(spanId(1), spanId(2));
    }

    @Test
    void aDamagedSegmentIsMovedAsideAtOpenAndTheTracesOfTheOthersAreServed() throws IOException {
        open();
        long t = nowNanos();
        commit(span(traceId(1), spanId(1), "", "a", "x", t, 1, 0));
        commit(span(traceId(2), spanId(2), "", "a", "x", t, 1, 0));
        engine.cutSegment();
        commit(span(traceId(2), spanId(3), spanId(2), "a", "y", t + 5, 1, 0));
        commit(span(traceId(3), spanId(4), "", "a", "x", t, 1, 0));
        engine.cutSegment();
        List<Integer> numbers = segmentNumbers();
        engine.close();
        Path damaged = dir.resolve(SegmentFormat.dirName(numbers.getFirst()));
        Files.write(damaged.resolve("segment"), new byte[]{1, 2, 3}, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);

        open();
        assertThat(trace(traceId(1))).isEmpty();
        assertThat(trace(traceId(2))).extracting(Span::spanId).containsExactly(spanId(3));
        assertThat(trace(traceId(3))).extracting(Span::spanId).containsExactly(spanId(4));
        assertThat(segmentNumbers()).containsExactly(numbers.get(1));
        assertThat(damaged.resolveSibling(damaged.getFileName() + ".damaged")).isDirectory();
    }

    @Test
    void anIndexNotClosedCleanlyIsRecoveredAtOpen() {
        open();
        long t = nowNanos();
        commit(span(traceId(1), spanId(1), "", "a", "x", t, 1, 0));
        engine.cutSegment();
        engine.close();
        try {
            Files.delete(dir.resolve(TraceIndex.CLEAN_MARKER)); // as a kill -9 leaves it
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        open();
        assertThat(trace(traceId(1))).extracting(Span::spanId).containsExactly(spanId(1));
    }

    @Test
    void commitsPastTheHeadLimitAreCutIntoSegmentsAndLoseNothing() throws IOException, InterruptedException {
        open(OpenTelemetry.noop().getMeter("test"), 64 << 10);
        TestSpans gen = new TestSpans(12);
        List<Span> all = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            List<Span> trace = gen.trace(i, nowNanos() + i);
            all.addAll(trace);
            commit(trace.toArray(new Span[0]));
        }
        while (segmentNumbers().isEmpty()) { // the job thread cuts; poll, no timed assertion
            Thread.onSpinWait();
            Thread.sleep(5);
        }
        List<Span> read = new ArrayList<>();
        try (TraceQuerier q = engine.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            q.select(List.of(), read::add);
        }
        assertThat(read).hasSameElementsAs(all).hasSize(all.size());
    }

    @Test
    void retentionDeletesOldSegmentsTheirIndexEntriesAndKeepsTheSequence() throws IOException {
        open();
        long old = nowNanos();
        long a = commit(span(traceId(1), spanId(1), "", "a", "old", old, 1, 0));
        engine.cutSegment();
        nowMillis.addAndGet(20 * HOUR_MILLIS);
        long b = commit(span(traceId(2), spanId(2), "", "a", "new", nowNanos(), 1, 0));
        engine.cutSegment();
        assertThat(engine.applyRetention()).isZero();

        nowMillis.addAndGet(10 * HOUR_MILLIS); // the first segment is now 30h old, the second 10h
        assertThat(engine.applyRetention()).isEqualTo(1);
        assertThat(segmentNumbers()).hasSize(1);
        assertThat(trace(traceId(1))).isEmpty();
        assertThat(indexed(traceId(1))).isEmpty();
        assertThat(trace(traceId(2))).hasSize(1);
        List<Long> left = new ArrayList<>();
        engine.forEachSince(0, (seq, spans) -> left.add(seq));
        assertThat(left).containsExactly(b);

        nowMillis.addAndGet(20 * HOUR_MILLIS);
        assertThat(engine.applyRetention()).isEqualTo(1);
        engine.close();
        open();
        assertThat(engine.lastSequence()).as("sequence after every segment expired").isEqualTo(b);
        assertThat(commit(span(traceId(3), spanId(3), "", "a", "x", nowNanos(), 1, 0))).isGreaterThan(b);
        assertThat(a).isLessThan(b);
    }

    @Test
    void retentionBySizeDeletesTheOldestSegmentsWhileAllTogetherPassTheLimit() throws IOException {
        long t = nowNanos();
        open();
        for (int i = 1; i <= 3; i++) {
            commit(span(traceId(i), spanId(i), "", "a", "x".repeat(1000), t + i, 1, 0));
            engine.cutSegment();
        }
        long segmentBytes = segmentDirBytes(segmentNumbers().getLast());
        engine.close();
        // Room for the two newest segments and a half: the oldest goes.
        TraceStoreConfig config = new TraceStoreConfig(dir, 10 * HOUR_MILLIS, 4L << 20, 24 * HOUR_MILLIS,
                WalSyncMode.NEVER, 1_000, TraceStoreConfig.DEFAULT_INDEXED_ATTRIBUTES, segmentBytes * 5 / 2);
        engine = TraceEngine.open(config, OpenTelemetry.noop().getMeter("test"), clock, DefaultFileFacade.INSTANCE);
        assertThat(engine.applyRetention()).isEqualTo(1);
        assertThat(trace(traceId(1))).isEmpty();
        assertThat(trace(traceId(2))).hasSize(1);
        assertThat(trace(traceId(3))).hasSize(1);
        assertThat(engine.applyRetention()).isZero();
    }

    private long segmentDirBytes(int number) throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve(SegmentFormat.dirName(number)))) {
            long sum = 0;
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                sum += Files.size(p);
            }
            return sum;
        }
    }

    @Test
    void forEachSinceWalksSegmentsThenTheHeadInCommitOrder() {
        open();
        TestSpans gen = new TestSpans(3);
        List<Long> sequences = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            sequences.add(commit(gen.trace(i, nowNanos() + i).toArray(new Span[0])));
            if (i % 4 == 3) {
                engine.cutSegment();
            }
        }
        engine.close();
        open(); // three segments, and the head's last two commits replayed from the WAL
        for (int after : new int[] {0, 2, 4, 7, 11, 12, 13}) {
            List<Long> seen = new ArrayList<>();
            engine.forEachSince(sequences.get(after), (seq, spans) -> seen.add(seq));
            assertThat(seen).as("after commit %d", after).containsExactlyElementsOf(sequences.subList(after + 1, 14));
        }
    }

    @Test
    void selectReadsTheHeadThenSegmentsNewestFirst() {
        open();
        long t = nowNanos();
        commit(span(traceId(1), spanId(1), "", "a", "first", t, 1, 0));
        engine.cutSegment();
        commit(span(traceId(2), spanId(2), "", "a", "second", t, 1, 0));
        engine.cutSegment();
        commit(span(traceId(3), spanId(3), "", "a", "head", t, 1, 0));
        List<String> order = new ArrayList<>();
        try (TraceQuerier q = engine.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            q.select(List.of(SpanTerm.service("a")), s -> order.add(s.name()));
        }
        assertThat(order).containsExactly("head", "second", "first");
    }

    @Test
    void selfMetricsCountSpansAndSegments() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
            open(provider.get("traces"));
            long t = nowNanos();
            commit(span(traceId(1), spanId(1), "", "a", "x", t, 1, 0), span(traceId(1), spanId(2), spanId(1), "a", "y", t, 1, 0));
            engine.cutSegment();
            commit(span(traceId(2), spanId(3), "", "a", "z", t, 1, 0));
            Collection<MetricData> metrics = reader.collectAllMetrics();
            assertThat(value(metrics, "sightline_traces_spans_appended_total")).isEqualTo(3);
            assertThat(value(metrics, "sightline_traces_segments")).isEqualTo(1);
            assertThat(value(metrics, "sightline_traces_segment_spans")).isEqualTo(2);
            assertThat(value(metrics, "sightline_traces_head_spans")).isEqualTo(1);
            assertThat(value(metrics, "sightline_traces_segment_cuts_total")).isEqualTo(1);
            assertThat(value(metrics, "sightline_traces_segment_bytes")).isPositive();
            engine.close();
            engine = null;
        }
    }

    private static long value(Collection<MetricData> metrics, String name) {
        MetricData m = metrics.stream().filter(d -> d.getName().equals(name)).findFirst().orElseThrow(
                () -> new AssertionError("no metric " + name));
        Collection<LongPointData> points = m.getType() == MetricDataType.LONG_SUM ? m.getLongSumData().getPoints()
                : m.getLongGaugeData().getPoints();
        return points.stream().mapToLong(LongPointData::getValue).sum();
    }
}
