package io.sightline.storage.logs;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.LogAppender;
import io.sightline.storage.LogStoreConfig;
import io.sightline.storage.StorageException;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.io.FileFacade;
import io.sightline.storage.io.FullDiskFiles;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A full disk: the log store refuses commits with the disk's error, keeps what it holds readable, and takes
 * commits and cuts again by itself once space returns, whether the disk filled while it ran or before it opened.
 */
class LogFullDiskTest {
    private static final Labels API = Labels.of("service_name", "api");

    @TempDir
    Path dir;

    private LogEngine open(FileFacade files) {
        return LogEngine.open(new LogStoreConfig(dir, 3_600_000, 1 << 20, 100L * 365 * 86_400_000L, WalSyncMode.NEVER, 1000),
                OpenTelemetry.noop().getMeter("t"), InstantSource.system(), files, false);
    }

    @Test
    void aFullDiskAtACutKeepsTheRecordsAndCommitsAndCutsResumeWhenSpaceReturns() {
        FullDiskFiles files = new FullDiskFiles();
        try (LogEngine store = open(files)) {
            commit(store, "a");
            commit(store, "b");
            files.isFull = true;
            assertThatThrownBy(store::cutSegment).isInstanceOf(StorageException.class)
                    .hasMessageContaining("No space left on device");
            assertThat(LogEngineTest.bodies(store)).containsExactly("a", "b");
            assertThatThrownBy(() -> commit(store, "c")).isInstanceOf(StorageException.class)
                    .hasMessageContaining("No space left on device");
            files.isFull = false;
            commit(store, "d");
            store.cutSegment();
            commit(store, "e");
            assertThat(LogEngineTest.bodies(store)).containsExactly("a", "b", "d", "e");
        }
        try (LogEngine store = open(DefaultFileFacade.INSTANCE)) {
            assertThat(LogEngineTest.bodies(store)).containsExactly("a", "b", "d", "e");
        }
    }

    @Test
    void aStoreOpenedOnAFullDiskAnswersFromItsWalAndTakesCommitsOnceSpaceReturns() {
        try (LogEngine store = open(DefaultFileFacade.INSTANCE)) {
            commit(store, "a");
        }
        FullDiskFiles files = new FullDiskFiles();
        files.isFull = true;
        try (LogEngine store = open(files)) {
            assertThat(LogEngineTest.bodies(store)).containsExactly("a");
            assertThatThrownBy(() -> commit(store, "b")).isInstanceOf(StorageException.class)
                    .hasMessageContaining("No space left on device");
            files.isFull = false;
            commit(store, "c");
            assertThat(LogEngineTest.bodies(store)).containsExactly("a", "c");
        }
        try (LogEngine store = open(DefaultFileFacade.INSTANCE)) {
            assertThat(LogEngineTest.bodies(store)).containsExactly("a", "c");
        }
    }

    private long next = 1;

    private void commit(LogEngine store, String body) {
        LogAppender a = store.appender();
        a.append(LogRecord.line(API, next++, body));
        a.commit();
    }
}
