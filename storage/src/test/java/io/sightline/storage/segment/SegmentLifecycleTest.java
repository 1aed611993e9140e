package io.sightline.storage.segment;

import io.sightline.storage.StorageException;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.FileHeader;
import io.sightline.storage.io.MemoryTag;
import io.sightline.storage.io.TaggedAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cuts of a head into segment files on disk, a failed cut, and retention by age and by size. */
class SegmentLifecycleTest {
    private static final int MAGIC = 0x43594354;
    /** {@code u64 minTime, u64 maxTime, magic u32, reserved u32}. */
    private static final SegmentFile.Format FORMAT = new SegmentFile.Format("test", MAGIC, 1, 1, 24);
    private static final long SEGMENT_BYTES = FileHeader.BYTES + FORMAT.footerBytes();

    /** A segment whose footer holds its time range. */
    private record TimeSegment(SegmentFile segmentFile, long minTime, long maxTime) implements StoredSegment {
    }

    /** A head of record times; each record counts 100 bytes. */
    private static final class TimeHead implements CutHead {
        final List<Long> times = new ArrayList<>();
        long firstAppendMillis;

        void add(long time, long nowMillis) {
            if (times.isEmpty()) {
                firstAppendMillis = nowMillis;
            }
            times.add(time);
        }

        @Override
        public boolean isEmpty() {
            return times.isEmpty();
        }

        @Override
        public long bytes() {
            return 100L * times.size();
        }

        @Override
        public long firstAppendMillis() {
            return firstAppendMillis;
        }
    }

    @TempDir
    Path root;
    private final TaggedAllocator allocator = new TaggedAllocator(DefaultFileFacade.INSTANCE);
    private final TestSteps steps = new TestSteps();
    private SegmentLifecycle<TimeHead, TimeSegment> cycle;

    @BeforeEach
    void createCycle() {
        cycle = lifecycle(SegmentLifecycle.Wake.WHEN_PUBLISHED, steps);
    }

    private SegmentLifecycle<TimeHead, TimeSegment> lifecycle(SegmentLifecycle.Wake wake, TestSteps steps) {
        SegmentLifecycle<TimeHead, TimeSegment> cycle = new SegmentLifecycle<>("test", "records", TimeHead::new, wake,
                root, DefaultFileFacade.INSTANCE, steps, LoggerFactory.getLogger(SegmentLifecycleTest.class));
        steps.owner = cycle;
        return cycle;
    }

    @AfterEach
    void releaseAll() {
        cycle.segments().releaseAll();
        assertThat(allocator.bytes(MemoryTag.CHUNK)).as("mapped bytes left").isZero();
    }

    private void append(long... times) {
        append(cycle, times);
    }

    private static void append(SegmentLifecycle<TimeHead, TimeSegment> cycle, long... times) {
        cycle.lock().writeLock().lock();
        try {
            for (long t : times) {
                cycle.head().add(t, 0);
            }
        } finally {
            cycle.lock().writeLock().unlock();
        }
    }

    /** Cuts one segment holding {@code times}. */
    private void cut(long... times) {
        append(times);
        cycle.cut();
    }

    private List<Integer> numbers() {
        List<Integer> out = new ArrayList<>();
        cycle.segments().forEach(s -> out.add(s.number()));
        return out;
    }

    @Test
    void aCutPublishesTheSegmentThenDeletesTheWalFilesBelowIt() {
        cut(10, 20);

        assertThat(numbers()).containsExactly(2);
        assertThat(cycle.head().isEmpty()).isTrue();
        assertThat(cycle.flushing()).isNull();
        assertThat(steps.walDeletedBefore).containsExactly(2);
        TimeSegment s = cycle.segments().snapshot().getFirst();
        assertThat(s.minTime()).isEqualTo(10);
        assertThat(s.maxTime()).isEqualTo(20);
        assertThat(Files.isDirectory(root.resolve(SegmentNames.dirName(2)))).isTrue();
    }

    @Test
    void anEmptyHeadIsNotCut() {
        cycle.cut();

        assertThat(numbers()).isEmpty();
        assertThat(steps.walNumber).isEqualTo(1);
    }

    @Test
    void aWriteThatFailsAfterItsRenameLeavesNoSegmentDirectoryAndTheNextCutStoresTheRecordsOnce() {
        append(10, 20);
        steps.isFailingAfterRename = true;

        assertThatThrownBy(cycle::cut).isInstanceOf(StorageException.class).hasMessageContaining("fsync failed");

        assertThat(root.resolve(SegmentNames.dirName(2))).as("the failed cut's directory").doesNotExist();
        assertThat(cycle.head().times).containsExactly(10L, 20L);
        assertThat(steps.walDeletedBefore).isEmpty();

        steps.isFailingAfterRename = false;
        cycle.cut();
        assertThat(numbers()).containsExactly(3);
        try (var dirs = Files.list(root)) {
            assertThat(dirs.map(p -> p.getFileName().toString())).containsExactly(SegmentNames.dirName(3));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aFailedWriteKeepsTheRecordsInTheHeadAndTheWalAndWakesTheWaiters() throws Exception {
        append(10, 20);
        steps.isFailing = true;
        AtomicLong left = new AtomicLong();
        Thread waiter = waitForRoom(cycle, left);

        assertThatThrownBy(cycle::cut).isInstanceOf(StorageException.class)
                .hasMessage("cannot write a test segment: disk full");
        waiter.join();

        assertThat(left.get()).as("woken before its timeout").isPositive();
        assertThat(cycle.head().times).containsExactly(10L, 20L);
        assertThat(cycle.flushing()).isNull();
        assertThat(numbers()).isEmpty();
        assertThat(steps.walDeletedBefore).isEmpty();
        assertThat(root.resolve(SegmentNames.dirName(2))).doesNotExist();

        steps.isFailing = false;
        append(30);
        cycle.cut();
        assertThat(numbers()).containsExactly(3);
        assertThat(cycle.segments().snapshot().getFirst().maxTime()).isEqualTo(30);
        assertThat(steps.walDeletedBefore).containsExactly(3);
    }

    @Test
    void aStoreWhoseCommitsWaitForTheHeadToBeTakenIsWokenBeforeTheWriteEnds() throws Exception {
        TestSteps takenSteps = new TestSteps();
        SegmentLifecycle<TimeHead, TimeSegment> taken = lifecycle(SegmentLifecycle.Wake.WHEN_TAKEN, takenSteps);
        append(taken, 10);
        takenSteps.writing = new CountDownLatch(1);
        AtomicLong left = new AtomicLong();
        Thread waiter = waitForRoom(taken, left);
        Thread cutter = new Thread(taken::cut, "test-cutter");
        try {
            cutter.start();
            waiter.join();

            assertThat(left.get()).as("woken before its timeout").isPositive();
            assertThat(taken.segments().size()).as("the write is still running").isZero();
            assertThat(taken.head().isEmpty()).isTrue();
        } finally {
            takenSteps.writing.countDown();
            cutter.join();
            taken.segments().releaseAll();
        }
        assertThat(takenSteps.walDeletedBefore).containsExactly(2);
    }

    /** Starts a thread that waits up to 30 s for {@code cycle}'s room condition, and returns once it waits. */
    private static Thread waitForRoom(SegmentLifecycle<TimeHead, TimeSegment> cycle, AtomicLong left) {
        Thread waiter = new Thread(() -> {
            cycle.lock().writeLock().lock();
            try {
                left.set(cycle.roomMade().awaitNanos(TimeUnit.SECONDS.toNanos(30)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                cycle.lock().writeLock().unlock();
            }
        }, "test-waiter");
        waiter.start();
        while (!hasWaiters(cycle)) {
            LockSupport.parkNanos(100_000);
        }
        return waiter;
    }

    private static boolean hasWaiters(SegmentLifecycle<TimeHead, TimeSegment> cycle) {
        cycle.lock().writeLock().lock();
        try {
            return cycle.lock().hasWaiters(cycle.roomMade());
        } finally {
            cycle.lock().writeLock().unlock();
        }
    }

    @Test
    void retentionDeletesByAgeThenTheOldestWhileOverTheSizeLimit() {
        cut(10, 20);
        cut(50, 60);
        cut(30, 40); // late records: age retention goes by each segment's newest
        cut(70, 80);
        cut(90, 95);

        int removed = cycle.applyRetention(45, 2 * SEGMENT_BYTES);

        assertThat(removed).isEqualTo(3);
        assertThat(steps.deleted).containsExactly("2 age", "4 age", "3 size");
        assertThat(numbers()).containsExactly(5, 6);
        assertThat(root.resolve(SegmentNames.dirName(2))).doesNotExist();
        assertThat(root.resolve(SegmentNames.dirName(3))).doesNotExist();
        assertThat(root.resolve(SegmentNames.dirName(4))).doesNotExist();
        assertThat(cycle.segments().bytes()).isEqualTo(2 * SEGMENT_BYTES);
    }

    @Test
    void retentionWithoutASizeLimitDeletesOnlyByAge() {
        cut(10, 20);
        cut(30, 40);

        assertThat(cycle.applyRetention(25, 0)).isEqualTo(1);
        assertThat(numbers()).containsExactly(3);
        assertThat(cycle.applyRetention(25, 0)).isZero();
    }

    @Test
    void aClosedStoreNeitherCutsNorDeletes() {
        cut(10, 20);
        append(30);
        cycle.markClosed();

        cycle.cut();
        assertThat(cycle.applyRetention(Long.MAX_VALUE, 0)).isZero();
        assertThat(numbers()).containsExactly(2);
        assertThat(cycle.head().times).containsExactly(30L);
    }

    @Test
    void theHeadIsDueWhenFullOrOld() {
        AtomicLong now = new AtomicLong(1_000);
        InstantSource clock = () -> Instant.ofEpochMilli(now.get());
        assertThat(cycle.isCutDue(200, 60_000, clock)).as("empty").isFalse();
        cycle.lock().writeLock().lock();
        try {
            cycle.head().add(10, now.get());
        } finally {
            cycle.lock().writeLock().unlock();
        }
        assertThat(cycle.isCutDue(200, 60_000, clock)).isFalse();
        assertThat(cycle.isCutDue(100, 60_000, clock)).as("full").isTrue();
        now.addAndGet(60_000);
        assertThat(cycle.isCutDue(200, 60_000, clock)).as("old").isTrue();
        cycle.markClosed();
        assertThat(cycle.isCutDue(100, 60_000, clock)).as("closed").isFalse();
    }

    /** Writes each head as a real segment file; the WAL is a counter. */
    private final class TestSteps implements SegmentLifecycle.Steps<TimeHead, TimeSegment> {
        int walNumber = 1;
        final List<Integer> walDeletedBefore = new ArrayList<>();
        final List<String> deleted = new ArrayList<>();
        SegmentLifecycle<TimeHead, TimeSegment> owner;
        volatile boolean isFailing;
        /** When set, a write fails after its segment directory is in place (as a failed fsync of its parent would). */
        volatile boolean isFailingAfterRename;
        /** When set, a write waits for it (a cut in progress). */
        volatile CountDownLatch writing;

        @Override
        public int nextWalFile() {
            return ++walNumber;
        }

        @Override
        public TimeSegment write(TimeHead frozen, int walNumber) throws IOException {
            if (isFailing) {
                throw new IOException("disk full");
            }
            if (writing != null) {
                try {
                    writing.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            long min = frozen.times.stream().mapToLong(Long::longValue).min().orElseThrow();
            long max = frozen.times.stream().mapToLong(Long::longValue).max().orElseThrow();
            Path dir = TestSegmentFiles.write(allocator, root.resolve(SegmentNames.dirName(walNumber)), MAGIC, 1, out -> {
                out.putLong(min);
                out.putLong(max);
                out.putInt(MAGIC);
                out.putInt(0);
            });
            if (isFailingAfterRename) {
                throw new IOException("fsync failed: " + dir.getParent());
            }
            return SegmentFile.open(dir, allocator, FORMAT,
                    (file, footer) -> new TimeSegment(file, footer.getLong(), footer.getLong()));
        }

        @Override
        public TimeHead restore(TimeHead frozen, TimeHead head) {
            TimeHead restored = new TimeHead();
            restored.times.addAll(frozen.times);
            restored.times.addAll(head.times);
            return restored;
        }

        @Override
        public void published(TimeSegment segment, int walNumber) {
            assertThat(owner.segments()).contains(segment);
            walDeletedBefore.add(walNumber);
        }

        @Override
        public void deleted(TimeSegment segment, String reason) {
            deleted.add(segment.number() + " " + reason);
        }
    }
}
