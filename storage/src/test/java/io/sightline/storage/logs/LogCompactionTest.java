package io.sightline.storage.logs;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.LogAppender;
import io.sightline.storage.LogQuerier;
import io.sightline.storage.LogStoreConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Small segments merged into one; retention by size; a merge interrupted at any step. */
class LogCompactionTest {
    private static final Labels API = Labels.of("service_name", "api");
    private static final Labels DB = Labels.of("service_name", "db");
    private static final long DAY_MS = 86_400_000L;

    @TempDir
    Path dir;
    private final InstantSource clock = () -> Instant.ofEpochMilli(100 * DAY_MS);

    private LogEngine open(long retentionBytes, FileFacade files) {
        return LogEngine.open(new LogStoreConfig(dir, 3_600_000, 1 << 20, 15 * DAY_MS, retentionBytes, WalSyncMode.NEVER, 1000),
                OpenTelemetry.noop().getMeter("t"), clock, files, false);
    }

    /** Six small segments whose api and db lines interleave in time across segments. */
    private static void sixSegments(LogEngine store) {
        long t = 99 * DAY_MS * 1_000_000L;
        for (int seg = 0; seg < 6; seg++) {
            LogAppender a = store.appender();
            for (int i = 0; i < 5; i++) {
                // Segment k holds times k, k+6, k+12, ...: every segment overlaps every other in time.
                long ts = t + (seg + 6L * i) * 1_000_000_000L;
                a.append(LogRecord.line(API, ts, "api " + (seg + 6 * i)));
                a.append(LogRecord.line(DB, ts, "db " + (seg + 6 * i)));
            }
            a.commit();
            store.cutSegment();
        }
    }

    private static List<String> lines(LogEngine store, String service) {
        List<String> out = new ArrayList<>();
        try (LogQuerier q = store.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            q.select(List.of(Matcher.eq("service_name", service)), List.of(), true, r -> out.add(r.body()));
        }
        return out;
    }

    private static List<String> expected(String service) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < 30; k++) {
            out.add(service + " " + k);
        }
        return out;
    }

    private List<String> segmentDirs() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("seg-")).sorted().toList();
        }
    }

    @Test
    void mergesSmallSegmentsIntoOneThatKeepsEveryLineInTimeOrderAcrossARestart() throws IOException {
        try (LogEngine store = open(0, DefaultFileFacade.INSTANCE)) {
            sixSegments(store);
            assertThat(segmentDirs()).hasSize(6);
            store.compact();
            assertThat(segmentDirs()).containsExactly("seg-00000007");
            assertThat(lines(store, "api")).isEqualTo(expected("api"));
            assertThat(lines(store, "db")).isEqualTo(expected("db"));
            store.compact(); // one segment: nothing to merge
            assertThat(segmentDirs()).containsExactly("seg-00000007");
        }
        try (LogEngine store = open(0, DefaultFileFacade.INSTANCE)) {
            assertThat(lines(store, "api")).isEqualTo(expected("api"));
            assertThat(lines(store, "db")).isEqualTo(expected("db"));
        }
    }

    @Test
    void leavesFewerThanFourSmallSegmentsAlone() throws IOException {
        try (LogEngine store = open(0, DefaultFileFacade.INSTANCE)) {
            for (int i = 0; i < 3; i++) {
                LogAppender a = store.appender();
                a.append(LogRecord.line(API, 99 * DAY_MS * 1_000_000L + i, "x" + i));
                a.commit();
                store.cutSegment();
            }
            store.compact();
            assertThat(segmentDirs()).hasSize(3);
        }
    }

    @Test
    void aMergeInterruptedAfterItsCommitPointIsFinishedAtOpen() throws IOException {
        AtomicBoolean failRename = new AtomicBoolean(true);
        FileFacade failing = failing(failRename);
        try (LogEngine store = open(0, failing)) {
            sixSegments(store);
            store.compact(); // the sources are deleted, then the rename fails: a crash at that point
            assertThat(segmentDirs()).containsExactly("seg-00000007.compact");
        }
        try (LogEngine store = open(0, DefaultFileFacade.INSTANCE)) {
            assertThat(segmentDirs()).containsExactly("seg-00000007");
            assertThat(lines(store, "api")).isEqualTo(expected("api"));
            assertThat(lines(store, "db")).isEqualTo(expected("db"));
        }
    }

    @Test
    void aMergeInterruptedBeforeItsCommitPointIsDroppedAndTheSourcesStay() throws IOException {
        try (LogEngine store = open(0, DefaultFileFacade.INSTANCE)) {
            sixSegments(store);
        }
        Files.createDirectories(dir.resolve("seg-00000007.compact")); // no sources file: not committed
        Files.writeString(dir.resolve("seg-00000007.compact/segment"), "half written");
        try (LogEngine store = open(0, DefaultFileFacade.INSTANCE)) {
            assertThat(segmentDirs()).hasSize(6).doesNotContain("seg-00000007.compact");
            assertThat(lines(store, "api")).isEqualTo(expected("api"));
        }
    }

    @Test
    void retentionBySizeDropsTheOldestSegmentsFirst() throws IOException {
        try (LogEngine store = open(0, DefaultFileFacade.INSTANCE)) {
            sixSegments(store);
        }
        long one;
        try (Stream<Path> s = Files.walk(dir.resolve("seg-00000002"))) {
            one = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        try (LogEngine store = open(one * 2 + one / 2, DefaultFileFacade.INSTANCE)) {
            assertThat(store.applyRetention()).isEqualTo(4);
            assertThat(segmentDirs()).containsExactly("seg-00000006", "seg-00000007");
            // Segments 5 and 6 (files 6 and 7) hold the times 4, 10, ... and 5, 11, ...
            assertThat(lines(store, "api")).containsExactly("api 4", "api 5", "api 10", "api 11", "api 16", "api 17",
                    "api 22", "api 23", "api 28", "api 29");
        }
    }

    @Test
    void commitsAreRefusedOnlyOnceTheHeadWrittenMeanwhileHoldsTwiceItsLimitThenAcceptedAgain() throws Exception {
        java.util.concurrent.CountDownLatch cutStarted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        FileFacade real = DefaultFileFacade.INSTANCE;
        FileFacade slow = (FileFacade) Proxy.newProxyInstance(FileFacade.class.getClassLoader(), new Class<?>[] {FileFacade.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("createDirectories") && args[0].toString().endsWith(SegmentFormat.TMP_SUFFIX)) {
                        cutStarted.countDown();
                        // A segment write that takes as long as the test wants (bounded, so a broken test cannot hang).
                        release.await(120, java.util.concurrent.TimeUnit.SECONDS);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        LogStoreConfig config = new LogStoreConfig(dir, 3_600_000, 64 << 10, 15 * DAY_MS, 0, WalSyncMode.NEVER, 1000);
        try (LogEngine store = LogEngine.open(config, OpenTelemetry.noop().getMeter("t"), clock, slow, false)) {
            String line = "x".repeat(1000);
            long t = 99 * DAY_MS * 1_000_000L;
            int n = 0;
            io.sightline.storage.StorageException refused = null;
            int acceptedDuringCut = 0;
            try {
                // Fill the head until the store cuts it, then fill the next one until a commit is refused.
                while (refused == null) {
                    // A cut is under way once the full head was handed over (two heads), even if the job thread
                    // has not reached the segment write yet (a loaded machine): count from the hand-over.
                    boolean cutting = cutStarted.getCount() == 0 || headCount(store) == 2;
                    LogAppender a = store.appender();
                    a.append(LogRecord.line(API, t + n, line));
                    try {
                        a.commit();
                        n++;
                        acceptedDuringCut += cutting ? 1 : 0;
                    } catch (io.sightline.storage.StorageException e) {
                        refused = e;
                    }
                }
                assertThat(cutStarted.getCount()).as("refused only while a cut runs").isZero();
                assertThat(refused).hasMessageContaining("logs.max_head_bytes=65536");
                // Back-pressure only when truly behind: the new head took more than one head's worth first.
                long oneRecord = LogRecord.line(API, t, line).approxBytes();
                assertThat(acceptedDuringCut * oneRecord).isGreaterThan((2L * LogEngine.HEAD_LIMITS_WHILE_CUTTING - 1) * (32 << 10));
            } finally {
                release.countDown(); // never leave the cut (and close) blocked, whatever failed above
            }
            LogAppender a = store.appender();
            a.append(LogRecord.line(API, t + n++, "after the cut"));
            a.commit(); // waits for the cut if it is still finishing, then goes in
            assertThat(lines(store, "api")).hasSize(n).endsWith("after the cut");
        }
    }

    private static int headCount(LogEngine store) {
        int[] heads = {0};
        store.readHeads(h -> heads[0]++);
        return heads[0];
    }

    /** Fails the rename of a finished merge once, after its sources are gone. */
    private static FileFacade failing(AtomicBoolean failRename) {
        FileFacade real = DefaultFileFacade.INSTANCE;
        return (FileFacade) Proxy.newProxyInstance(FileFacade.class.getClassLoader(), new Class<?>[] {FileFacade.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("moveAtomically") && args[0].toString().endsWith(LogCompactor.SUFFIX)
                            && failRename.getAndSet(false)) {
                        throw new IOException("injected: crash before the rename");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
