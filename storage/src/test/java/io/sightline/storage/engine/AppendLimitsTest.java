package io.sightline.storage.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.Appender;
import io.sightline.storage.RejectReason;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Rejections that come from limits rather than from a series' own history. */
class AppendLimitsTest {
    private static final long HOUR = 3_600_000;

    @TempDir
    Path dir;

    private StorageEngine open(long maxSeries, long retention) {
        return StorageEngine.open(new StorageConfig(dir, 2 * HOUR, retention, WalSyncMode.NEVER, 1_000, 1 << 20, 0, maxSeries),
                OpenTelemetry.noop().getMeter("test"), DefaultFileFacade.INSTANCE, false);
    }

    @Test
    void seriesBeyondTheConfiguredMaximumAreRejectedWithLimitWhileKnownOnesStillAppend() {
        try (StorageEngine s = open(2, 100 * HOUR)) {
            Appender a = s.appender();
            long one = a.append(Appender.NO_REF, Labels.of("__name__", "one"), 1_000, 1);
            assertThat(a.append(Appender.NO_REF, Labels.of("__name__", "two"), 1_000, 1)).isPositive();
            assertThat(a.append(Appender.NO_REF, Labels.of("__name__", "three"), 1_000, 1)).isEqualTo(RejectReason.LIMIT.code());
            assertThat(a.append(one, Labels.of("__name__", "one"), 2_000, 2)).isEqualTo(one);
            a.commit();
            assertThat(s.head().rejected(RejectReason.LIMIT)).isEqualTo(1);
        }
    }

    @Test
    void sampleOlderThanTheRetentionBeforeTheNewestIsTooOld() {
        try (StorageEngine s = open(100, 10 * HOUR)) {
            Appender a = s.appender();
            a.append(Appender.NO_REF, Labels.of("__name__", "m"), 20 * HOUR, 1);
            a.commit();
            assertThat(a.append(Appender.NO_REF, Labels.of("__name__", "n"), 10 * HOUR - 1, 1)).isEqualTo(RejectReason.TOO_OLD.code());
            assertThat(a.append(Appender.NO_REF, Labels.of("__name__", "n"), 10 * HOUR, 1)).isPositive();
            a.rollback();
        }
    }

    @Test
    void sampleRefusedAtCommitDoesNotWidenTheHeadTimeRange() {
        try (StorageEngine s = open(100, 100 * HOUR)) {
            Appender slow = s.appender();
            Appender fast = s.appender(); // a second appender while the first is in use on this thread
            Labels m = Labels.of("__name__", "m");
            assertThat(slow.append(Appender.NO_REF, m, 100_000, 1)).isPositive();
            assertThat(fast.append(Appender.NO_REF, m, 200_000, 2)).isPositive();
            fast.commit();
            slow.commit(); // 100 s is now behind 200 s with no out-of-order window: refused at commit

            assertThat(s.head().rejected(RejectReason.OUT_OF_ORDER)).isEqualTo(1);
            assertThat(s.stats().headMinTimeMillis()).isEqualTo(200_000);
        }
    }
}
