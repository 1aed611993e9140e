package io.sightline.storage.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.Appender;
import io.sightline.storage.Querier;
import io.sightline.storage.SampleIterator;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.StorageException;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.ForwardingFileFacade;
import io.sightline.storage.io.FullDiskFiles;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** I/O faults on the commit path: the commit fails cleanly, nothing of it shows, and the WAL stays readable. */
class WalFaultTest {
    @TempDir
    Path dir;

    @Test
    void shortWriteFailsTheCommitAndLeavesNoTornRecordBehind() {
        FaultyFiles files = new FaultyFiles();
        try (StorageEngine s = open(files, WalSyncMode.NEVER)) {
            commit(s, 1_000, 1);
            files.failNextWriteAfterBytes = 5;
            assertThatThrownBy(() -> commit(s, 2_000, 2)).isInstanceOf(StorageException.class).hasMessageContaining("WAL");
            assertThat(values(s)).containsExactly(1.0);
            commit(s, 3_000, 3);
            assertThat(values(s)).containsExactly(1.0, 3.0);
        }
        try (StorageEngine s = open(new FaultyFiles(), WalSyncMode.NEVER)) {
            assertThat(values(s)).containsExactly(1.0, 3.0);
        }
    }

    @Test
    void failedFsyncMakesTheWalRefuseFurtherCommitsUntilReopened() {
        FaultyFiles files = new FaultyFiles();
        try (StorageEngine s = open(files, WalSyncMode.ALWAYS)) {
            commit(s, 1_000, 1);
            files.isFsyncFailing = true;
            assertThatThrownBy(() -> commit(s, 2_000, 2)).isInstanceOf(StorageException.class).hasMessageContaining("fsync");
            files.isFsyncFailing = false;
            assertThatThrownBy(() -> commit(s, 3_000, 3)).isInstanceOf(StorageException.class).hasMessageContaining("reopen");
            assertThat(values(s)).containsExactly(1.0);
        }
        try (StorageEngine s = open(new FaultyFiles(), WalSyncMode.ALWAYS)) {
            commit(s, 4_000, 4);
            assertThat(values(s)).startsWith(1.0).endsWith(4.0);
        }
    }

    @Test
    void fullDiskFailsCommitsNamingTheFileAndCommitsResumeWhenSpaceReturns() {
        FullDiskFiles files = new FullDiskFiles();
        try (StorageEngine s = open(files, WalSyncMode.INTERVAL)) {
            commit(s, 1_000, 1);
            files.isFull = true;
            assertThatThrownBy(() -> commit(s, 2_000, 2)).isInstanceOf(StorageException.class)
                    .hasMessageContaining(dir.resolve("wal").toString()).hasMessageContaining("No space left on device");
            // A new series needs the registry's labels file first; its write fails the same way.
            assertThatThrownBy(() -> commit(s, "other", 2_500, 9)).isInstanceOf(StorageException.class)
                    .hasMessageContaining(dir.resolve("index").toString()).hasMessageContaining("No space left on device");
            assertThat(values(s)).containsExactly(1.0);

            files.isFull = false;
            commit(s, 3_000, 3);
            commit(s, "other", 3_500, 8);
            assertThat(values(s)).containsExactly(1.0, 3.0);
        }
        try (StorageEngine s = open(new FaultyFiles(), WalSyncMode.INTERVAL)) {
            assertThat(values(s)).containsExactly(1.0, 3.0);
            commit(s, "other", 4_000, 7);
        }
    }

    @Test
    void aFullDiskWhenTheWalNeedsANewSegmentFailsThatCommitLeavesNoHeaderlessFileAndCommitsResumeWhenSpaceReturns()
            throws IOException {
        FullDiskFiles files = new FullDiskFiles();
        List<Double> stored = new ArrayList<>();
        java.util.Random random = new java.util.Random(42);
        // Each commit's WAL record is larger than the smallest segment size (1 MiB): every commit after a
        // segment's first starts a new segment.
        try (StorageEngine s = open(files, WalSyncMode.INTERVAL, 1 << 20)) {
            stored.addAll(commitRandom(s, 0, random));
            files.isFull = true;
            assertThatThrownBy(() -> commitRandom(s, 1, random)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("cannot create WAL segment").hasMessageContaining("No space left on device");
            assertThat(walFiles()).as("the segment that could not be created is not left behind").hasSize(1);
            files.isFull = false;
            stored.addAll(commitRandom(s, 2, random));
            assertThat(values(s)).isEqualTo(stored);
        }
        assertThat(walFiles()).hasSize(2);
        try (StorageEngine s = open(new FaultyFiles(), WalSyncMode.INTERVAL)) {
            assertThat(values(s)).isEqualTo(stored);
        }
    }

    /** Commits 150,000 random values of series m, one per second from {@code 150,000 * k} s; returns them. */
    private static List<Double> commitRandom(StorageEngine s, int k, java.util.Random random) {
        List<Double> values = new ArrayList<>();
        Appender a = s.appender();
        long ref = Appender.NO_REF;
        for (int i = 0; i < 150_000; i++) {
            double v = random.nextDouble();
            ref = a.append(ref, Labels.of("__name__", "m"), (150_000L * k + i) * 1_000, v);
            values.add(v);
        }
        a.commit();
        return values;
    }

    @Test
    void aStoreOpenedOnAFullDiskAnswersFromWhatItReplayedAndTakesCommitsOnceSpaceReturns() {
        try (StorageEngine s = open(new FaultyFiles(), WalSyncMode.INTERVAL)) {
            commit(s, 1_000, 1);
            commit(s, 2_000, 2);
        }
        FullDiskFiles files = new FullDiskFiles();
        files.isFull = true;
        try (StorageEngine s = open(files, WalSyncMode.INTERVAL)) {
            assertThat(values(s)).containsExactly(1.0, 2.0);
            assertThatThrownBy(() -> commit(s, 3_000, 3)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("cannot create WAL segment").hasMessageContaining("No space left on device");
            files.isFull = false;
            commit(s, 4_000, 4);
            assertThat(values(s)).containsExactly(1.0, 2.0, 4.0);
        }
        try (StorageEngine s = open(new FaultyFiles(), WalSyncMode.INTERVAL)) {
            assertThat(values(s)).containsExactly(1.0, 2.0, 4.0);
        }
    }

    /** The WAL's segment files, each checked to begin with a whole header. */
    private List<Path> walFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        try (var list = java.nio.file.Files.list(dir.resolve("wal"))) {
            for (Path p : list.sorted().toList()) {
                assertThat(java.nio.file.Files.size(p)).as("size of %s", p).isGreaterThanOrEqualTo(8);
                out.add(p);
            }
        }
        return out;
    }

    private StorageEngine open(FileFacade files, WalSyncMode mode) {
        return open(files, mode, 1 << 20);
    }

    private StorageEngine open(FileFacade files, WalSyncMode mode, long walSegmentBytes) {
        return StorageEngine.open(new StorageConfig(dir, 7_200_000, 360_000_000, mode, 1_000, walSegmentBytes, 0, 100),
                OpenTelemetry.noop().getMeter("test"), files, false);
    }

    private static void commit(StorageEngine s, long t, double v) {
        commit(s, "m", t, v);
    }

    private static void commit(StorageEngine s, String name, long t, double v) {
        Appender a = s.appender();
        a.append(Appender.NO_REF, Labels.of("__name__", name), t, v);
        a.commit();
    }

    private static List<Double> values(StorageEngine s) {
        List<Double> out = new ArrayList<>();
        try (Querier q = s.querier(0, Long.MAX_VALUE)) {
            SeriesSet set = q.select(false, Matcher.eq("__name__", "m"));
            while (set.next()) {
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    out.add(it.value());
                }
            }
        }
        return out;
    }

    /** The real file system, with a short write or failing fsyncs on demand (a full disk: {@link FullDiskFiles}). */
    private static final class FaultyFiles extends ForwardingFileFacade {
        volatile int failNextWriteAfterBytes = -1;
        volatile boolean isFsyncFailing;

        @Override
        public void writeFully(FileChannel channel, ByteBuffer src) throws IOException {
            int n = failNextWriteAfterBytes;
            if (n >= 0 && src.remaining() > n) {
                failNextWriteAfterBytes = -1;
                ByteBuffer part = src.duplicate();
                part.limit(part.position() + n);
                real.writeFully(channel, part);
                throw new IOException("injected short write after " + n + " bytes");
            }
            real.writeFully(channel, src);
        }

        @Override
        public void force(FileChannel channel) throws IOException {
            if (isFsyncFailing) {
                throw new IOException("injected fsync failure");
            }
            real.force(channel);
        }
    }
}
