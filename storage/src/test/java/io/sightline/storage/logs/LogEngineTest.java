package io.sightline.storage.logs;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.LogAppender;
import io.sightline.storage.LogQuerier;
import io.sightline.storage.LogStoreConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.TaggedAllocator;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Log store behaviour beyond the contract: retention, WAL repair, page skipping, damaged segments. */
class LogEngineTest {
    private static final Labels API = Labels.of("service_name", "api");
    private static final long DAY_MS = 86_400_000L;

    @TempDir
    Path dir;
    private final AtomicLong nowMillis = new AtomicLong(100 * DAY_MS);
    private final InstantSource clock = () -> Instant.ofEpochMilli(nowMillis.get());

    private LogEngine open() {
        return LogEngine.open(new LogStoreConfig(dir, 3_600_000, 1 << 20, 15 * DAY_MS, WalSyncMode.NEVER, 1000),
                OpenTelemetry.noop().getMeter("t"), clock, DefaultFileFacade.INSTANCE, false); // the test steps retention itself
    }

    private static void commit(LogEngine store, LogRecord... records) {
        LogAppender a = store.appender();
        for (LogRecord r : records) {
            a.append(r);
        }
        a.commit();
    }

    /** The bodies of service "api", oldest first. */
    static List<String> bodies(LogEngine store) {
        List<String> out = new ArrayList<>();
        try (LogQuerier q = store.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            q.select(List.of(Matcher.eq("service_name", "api")), List.of(), true, r -> out.add(r.body()));
        }
        return out;
    }

    @Test
    void retentionDeletesOnlySegmentsWhoseNewestRecordIsPastTheAge() {
        try (LogEngine store = open()) {
            long dayNs = DAY_MS * 1_000_000L;
            commit(store, LogRecord.line(API, 80 * dayNs, "old"));
            store.cutSegment();
            commit(store, LogRecord.line(API, 95 * dayNs, "recent"));
            store.cutSegment();

            assertThat(store.applyRetention()).isEqualTo(1);
            assertThat(bodies(store)).containsExactly("recent");
            assertThat(Files.exists(dir.resolve("seg-00000002"))).isFalse();
            nowMillis.addAndGet(20 * DAY_MS);
            assertThat(store.applyRetention()).isEqualTo(1);
            assertThat(bodies(store)).isEmpty();
        }
    }

    @Test
    void aTornWalTailIsCutAndEverythingBeforeItReplays() throws IOException {
        try (LogEngine store = open()) {
            commit(store, LogRecord.line(API, 1, "a"), LogRecord.line(API, 2, "b"));
            commit(store, LogRecord.line(API, 3, "c"));
        }
        Path wal = dir.resolve("wal").resolve("00000001");
        long intact = Files.size(wal);
        Files.write(wal, new byte[] {40, 0, 0, 0, 1, 2, 3, 4, 9, 9}, StandardOpenOption.APPEND);

        try (LogEngine store = open()) {
            assertThat(bodies(store)).containsExactly("a", "b", "c");
            assertThat(Files.size(wal)).isEqualTo(intact);
            commit(store, LogRecord.line(API, 4, "d"));
        }
        try (LogEngine store = open()) {
            assertThat(bodies(store)).containsExactly("a", "b", "c", "d");
        }
    }

    @Test
    void aSegmentCutBeforeACrashIsNotReplayedTwice() throws IOException {
        try (LogEngine store = open()) {
            commit(store, LogRecord.line(API, 1, "a"));
            store.cutSegment();
            commit(store, LogRecord.line(API, 2, "b"));
        }
        // A crash after the rename but before the old WAL files were deleted leaves them behind.
        Files.write(dir.resolve("wal").resolve("00000001"), Files.readAllBytes(dir.resolve("wal").resolve("00000002")));
        try (LogEngine store = open()) {
            assertThat(bodies(store)).containsExactly("a", "b");
        }
    }

    @Test
    void aLineFilterNarrowsTheSegmentToThePagesThatHoldTheText() throws IOException {
        List<LogRecord> rows = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            rows.add(LogRecord.line(API, i, i == 31_337 ? "user 77 hit the rare-needle-xyz path" : "GET /api/v1/items/" + i + " 200 OK in 3ms"));
        }
        TaggedAllocator allocator = new TaggedAllocator(DefaultFileFacade.INSTANCE);
        Path segDir = new SegmentWriter(allocator).write(dir, 5, Map.of(API, rows));
        Segment segment = Segment.open(segDir, allocator);
        try {
            int pages = segment.endPage(0) - segment.firstPage(0);
            assertThat(pages).isGreaterThan(20);
            RoaringBitmap hit = segment.candidatePages(List.of("rare-needle"));
            assertThat(hit.getCardinality()).isEqualTo(1);
            LogRecord[] page = segment.page(hit.first(), 0);
            assertThat(page).extracting(LogRecord::body).contains("user 77 hit the rare-needle-xyz path");
            assertThat(segment.candidatePages(List.of("not-there-at-all")).isEmpty()).isTrue();
            assertThat(segment.candidatePages(List.of("GE"))).as("too short to narrow").isNull();
        } finally {
            segment.release();
        }
    }

    @Test
    void aNarrowedSearchReadsItsPagesOnTwoThreadsAndKeepsTimeOrderLimitAndRange() {
        Labels db = Labels.of("service_name", "db");
        try (LogEngine store = open()) {
            // Two streams over three segments; every 997th line holds the text, so it sits in many pages of each.
            List<Long> want = new ArrayList<>();
            for (int seg = 0; seg < 3; seg++) {
                LogAppender a = store.appender();
                for (int i = 0; i < 20_000; i++) {
                    long t = seg * 20_000L + i;
                    boolean hit = t % 997 == 0;
                    if (hit && t >= 5_000 && t <= 50_000) {
                        want.add(t);
                    }
                    a.append(LogRecord.line(i % 2 == 0 ? API : db, t, (hit ? "found the needle-q7 here " : "GET /items/") + t));
                }
                a.commit();
                store.cutSegment();
            }
            List<Long> forward = new ArrayList<>();
            List<Long> backward = new ArrayList<>();
            try (LogQuerier q = store.querier(5_000, 50_000)) {
                q.select(List.of(Matcher.of(Matcher.Type.RE, "service_name", "api|db")), List.of("needle-q7"), true,
                        r -> forward.add(r.timestampNanos()));
                q.select(List.of(Matcher.of(Matcher.Type.RE, "service_name", "api|db")), List.of("needle-q7"), false,
                        r -> backward.add(r.timestampNanos()) && backward.size() < 10);
            }
            assertThat(want).hasSizeGreaterThan(20);
            assertThat(forward).isEqualTo(want);
            assertThat(backward).isEqualTo(want.reversed().subList(0, 10));
        }
    }

    @Test
    void aPageSearchFindsTheTextOnlyWithinOneBodyWhereverItSits() throws IOException {
        List<LogRecord> rows = new ArrayList<>();
        String[] bodies = {"", "ends with grü", "ße start", "grüße", "", "x grüße y grüße", "grü", "ße", "nothing", "grüßegrüße"};
        for (int i = 0; i < bodies.length; i++) {
            rows.add(LogRecord.line(API, i, bodies[i]));
        }
        TaggedAllocator allocator = new TaggedAllocator(DefaultFileFacade.INSTANCE);
        Segment segment = Segment.open(new SegmentWriter(allocator).write(dir, 5, Map.of(API, rows)), allocator);
        try {
            byte[][] needle = {"grüße".getBytes(java.nio.charset.StandardCharsets.UTF_8)};
            assertThat(segment.page(0, 0, new Segment.PageScratch(), needle)).extracting(LogRecord::body)
                    .containsExactly("grüße", "x grüße y grüße", "grüßegrüße");
            byte[][] two = {"grü".getBytes(java.nio.charset.StandardCharsets.UTF_8), "y".getBytes(java.nio.charset.StandardCharsets.UTF_8)};
            assertThat(segment.page(0, 0, new Segment.PageScratch(), two)).extracting(LogRecord::body).containsExactly("x grüße y grüße");
            assertThat(segment.page(0, 0, new Segment.PageScratch(), new byte[][] {new byte[0]})).hasSize(bodies.length);
        } finally {
            segment.release();
        }
    }

    @Test
    void aDamagedSegmentIsMovedAsideAtOpenAndTheOtherSegmentsAndTheWalAreServed() throws IOException {
        try (LogEngine store = open()) {
            commit(store, LogRecord.line(API, 1, "a"));
            store.cutSegment();
            commit(store, LogRecord.line(API, 2, "b"));
            store.cutSegment();
            commit(store, LogRecord.line(API, 3, "c"));
        }
        Path damaged = dir.resolve("seg-00000002");
        Path file = damaged.resolve("segment");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 40] ^= 0x55; // inside the postings section
        Files.write(file, bytes);

        try (LogEngine store = open()) {
            assertThat(bodies(store)).containsExactly("b", "c");
            commit(store, LogRecord.line(API, 4, "d"));
        }
        assertThat(damaged).doesNotExist();
        assertThat(dir.resolve("seg-00000002.damaged").resolve("segment")).exists();
        try (LogEngine store = open()) {
            assertThat(bodies(store)).containsExactly("b", "c", "d");
        }
    }
}
