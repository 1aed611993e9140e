package io.sightline.storage.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.Appender;
import io.sightline.storage.Querier;
import io.sightline.storage.SampleIterator;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Durability: what was committed comes back after restart or crash; damage at the WAL tail is cut, never fatal. */
class WalRecoveryTest {
    @TempDir
    Path dir;

    private StorageConfig config(WalSyncMode mode) {
        return new StorageConfig(dir, 7_200_000, 15L * 24 * 3_600_000, mode, 10, 1 << 20, 0, 100_000);
    }

    private Storage open(WalSyncMode mode) {
        return Storage.open(config(mode), OpenTelemetry.noop().getMeter("test"));
    }

    @Test
    void restartKeepsEveryCommittedSampleAcrossManySegments() throws IOException {
        try (Storage s = open(WalSyncMode.INTERVAL)) {
            writeBatches(s, 0, 60, 500);
        }
        assertThat(segments()).hasSizeGreaterThan(2);

        try (Storage s = open(WalSyncMode.INTERVAL)) {
            assertBatches(s, 60, 500);
            writeBatches(s, 60, 10, 500);
        }
        try (Storage s = open(WalSyncMode.ALWAYS)) {
            assertBatches(s, 70, 500);
        }
    }

    @Test
    void crashWithoutCloseLosesNothingCommitted() throws IOException {
        Path copy = dir.resolveSibling(dir.getFileName() + "-crash");
        try (Storage s = open(WalSyncMode.NEVER)) {
            writeBatches(s, 0, 5, 200);
            // A copy taken while the store is open is what a kill -9 leaves behind: no close, no flush.
            copyTree(dir, copy);
        }
        try (Storage s = Storage.open(new StorageConfig(copy, 7_200_000, 15L * 24 * 3_600_000, WalSyncMode.NEVER, 10, 1 << 20, 0, 100_000),
                OpenTelemetry.noop().getMeter("test"))) {
            assertBatches(s, 5, 200);
        }
    }

    @Test
    void tornTailIsCutAtTheLastIntactRecordAndTheRestSurvives() throws IOException {
        try (Storage s = open(WalSyncMode.NEVER)) {
            writeBatches(s, 0, 3, 100);
        }
        Path last = segments().getLast();
        long size = Files.size(last);
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
            ch.truncate(size - 7); // cut into the middle of the last commit's samples record
        }

        try (Storage s = open(WalSyncMode.NEVER)) {
            assertBatches(s, 2, 100);
            assertThat(count(s, 2)).isZero();
            writeBatches(s, 2, 1, 100);
        }
        try (Storage s = open(WalSyncMode.NEVER)) {
            assertBatches(s, 3, 100);
        }
    }

    @Test
    void garbageAfterTheLastRecordIsCutWithEverythingCommittedIntact() throws IOException {
        try (Storage s = open(WalSyncMode.NEVER)) {
            writeBatches(s, 0, 3, 100);
        }
        Path last = segments().getLast();
        long goodSize = Files.size(last);
        Files.write(last, new byte[] {12, 0, 0, 0, 1, 2, 3, 4, 9, 9, 9}, StandardOpenOption.APPEND);

        try (Storage s = open(WalSyncMode.NEVER)) {
            assertBatches(s, 3, 100);
        }
        assertThat(Files.size(last)).isEqualTo(goodSize);
    }

    @Test
    void flippedByteInARecordCutsFromThatRecordOn() throws IOException {
        try (Storage s = open(WalSyncMode.NEVER)) {
            writeBatches(s, 0, 3, 100);
        }
        Path last = segments().getLast();
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = ch.size() - 20;
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, at);
        }

        try (Storage s = open(WalSyncMode.NEVER)) {
            assertBatches(s, 2, 100);
            assertThat(count(s, 2)).isZero();
        }
    }

    @Test
    void rolledBackBatchWritesNothingToTheWal() throws IOException {
        try (Storage s = open(WalSyncMode.ALWAYS)) {
            Appender a = s.appender();
            for (int i = 0; i < 100; i++) {
                a.append(Appender.NO_REF, Labels.of("__name__", "m", "i", Integer.toString(i)), 1_000, i);
            }
            a.rollback();
        }
        for (Path segment : segments()) {
            assertThat(Files.size(segment)).as(segment.toString()).isEqualTo(8);
        }
        try (Storage s = open(WalSyncMode.ALWAYS)) {
            try (Querier q = s.querier(0, 10_000)) {
                assertThat(q.select(false, Matcher.eq("__name__", "m")).next()).isFalse();
            }
        }
    }

    /** Batch b writes {@code perBatch} series {@code b_<i>} with one sample each at t = b * 1000. */
    private static void writeBatches(Storage s, int from, int batches, int perBatch) {
        for (int b = from; b < from + batches; b++) {
            Appender a = s.appender();
            for (int i = 0; i < perBatch; i++) {
                Labels l = Labels.of("__name__", "load", "batch", Integer.toString(b), "i", Integer.toString(i),
                        "pad", incompressible(b, i)); // fills segments fast although the WAL compresses records
                assertThat(a.append(Appender.NO_REF, l, b * 1_000L, b * 10_000.0 + i)).isPositive();
            }
            a.commit();
        }
    }

    private static String incompressible(int b, int i) {
        Random r = new Random(b * 1_000_003L + i);
        StringBuilder b64 = new StringBuilder();
        for (int k = 0; k < 8; k++) {
            b64.append(Long.toString(r.nextLong() & Long.MAX_VALUE, 36));
        }
        return b64.toString();
    }

    private static void assertBatches(Storage s, int batches, int perBatch) {
        for (int b = 0; b < batches; b++) {
            assertThat(count(s, b)).as("series of batch %d", b).isEqualTo(perBatch);
        }
    }

    /** Counts the samples of batch b, checking each value. */
    private static int count(Storage s, int b) {
        int n = 0;
        try (Querier q = s.querier(0, Long.MAX_VALUE)) {
            SeriesSet set = q.select(false, Matcher.eq("batch", Integer.toString(b)));
            SampleIterator it = null;
            while (set.next()) {
                int i = Integer.parseInt(set.at().labels().get("i"));
                it = set.at().iterator(it);
                assertThat(it.next()).isTrue();
                assertThat(it.timestamp()).isEqualTo(b * 1_000L);
                assertThat(it.value()).isEqualTo(b * 10_000.0 + i);
                assertThat(it.next()).isFalse();
                n++;
            }
        }
        return n;
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("wal"))) {
            return s.sorted().toList();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
