package io.sightline.storage.engine;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.Appender;
import io.sightline.storage.Querier;
import io.sightline.storage.SampleIterator;
import io.sightline.storage.Series;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.StorageException;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.io.DefaultFileFacade;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An unsorted select on the head alone snapshots series as the cursor reaches them, with the eager list's answers. */
class PartSeriesSetTest {
    private static final long STEP = 15_000;

    @TempDir
    Path dir;

    @Test
    void unsortedSelectHoldsTheSameSeriesAndSamplesAsTheSortedOneAndSkipsSeriesWithoutSamplesInRange() {
        try (StorageEngine s = open()) {
            Appender a = s.appender();
            for (int i = 0; i < 50; i++) {
                // series 7, 17, ... stop early: no sample in the queried range
                int samples = i % 10 == 7 ? 3 : 40;
                for (int k = 0; k < samples; k++) {
                    a.append(Appender.NO_REF, Labels.of("__name__", "m", "i", String.valueOf(49 - i)), k * STEP, i * 100 + k);
                }
            }
            a.commit();
            try (Querier q = s.querier(10 * STEP, 30 * STEP)) {
                List<String> unsorted = read(q.select(false, Matcher.eq("__name__", "m")));
                List<String> sorted = read(q.select(true, Matcher.eq("__name__", "m")));
                assertThat(unsorted).hasSize(45).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(sorted);
            }
        }
    }

    @Test
    void aSeriesKeptFromAnEarlierCursorPositionStillReadsItsOwnSamples() {
        try (StorageEngine s = open()) {
            Appender a = s.appender();
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 5; k++) {
                    a.append(Appender.NO_REF, Labels.of("__name__", "m", "i", String.valueOf(i)), k * STEP, i * 10 + k);
                }
            }
            a.commit();
            try (Querier q = s.querier(0, 4 * STEP)) {
                SeriesSet set = q.select(false, Matcher.eq("__name__", "m"));
                List<Series> kept = new ArrayList<>();
                while (set.next()) {
                    kept.add(set.at());
                }
                assertThat(kept).hasSize(3);
                List<String> all = new ArrayList<>();
                for (Series series : kept) {
                    all.add(samples(series));
                }
                assertThat(all).containsExactlyInAnyOrder("i=0 0.0 1.0 2.0 3.0 4.0",
                        "i=1 10.0 11.0 12.0 13.0 14.0", "i=2 20.0 21.0 22.0 23.0 24.0");
            }
        }
    }

    @Test
    void advancingTheCursorAfterTheQuerierClosedFails() {
        try (StorageEngine s = open()) {
            Appender a = s.appender();
            a.append(Appender.NO_REF, Labels.of("__name__", "m"), 0, 1);
            a.commit();
            Querier q = s.querier(0, STEP);
            SeriesSet set = q.select(false, Matcher.eq("__name__", "m"));
            q.close();
            assertThatThrownBy(set::next).isInstanceOf(StorageException.class).hasMessageContaining("after close");
        }
    }

    @Test
    void selectEachReadsTheSameSeriesAndSamplesAsSelectThroughOneReusedSeriesObject() {
        try (StorageEngine s = open()) {
            Appender a = s.appender();
            for (int i = 0; i < 30; i++) {
                int samples = i % 10 == 3 ? 2 : 20; // series 3, 13, 23: nothing in range
                for (int k = 0; k < samples; k++) {
                    a.append(Appender.NO_REF, Labels.of("__name__", "m", "i", String.valueOf(i)), k * STEP, i * 100 + k);
                }
            }
            a.commit();
            try (Querier q = s.querier(5 * STEP, 15 * STEP)) {
                List<String> each = new ArrayList<>();
                List<Labels> labels = new ArrayList<>();
                java.util.Set<Series> objects = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                SeriesSet set = q.selectEach(Matcher.eq("__name__", "m"));
                while (set.next()) {
                    Series series = set.at();
                    objects.add(series);
                    labels.add(series.labels());
                    each.add(samples(series)); // a re-pointed object must not show the previous series' samples
                }
                assertThat(each).hasSize(27).doesNotHaveDuplicates()
                        .containsExactlyElementsOf(read(q.select(false, Matcher.eq("__name__", "m"))));
                assertThat(objects).hasSize(1);
                // labels handed out earlier stay those of their own series
                assertThat(labels).extracting(l -> l.get("i")).doesNotHaveDuplicates().hasSize(27);
            }
        }
    }

    @Test
    void selectEachReadsSealedAndOpenChunksOfSeriesOfFallingLengthsAsSelectDoes() {
        long minute = 60_000; // 120 samples per 2 h block window: the longer series get sealed chunks
        try (StorageEngine s = open()) {
            Appender a = s.appender();
            for (int i = 0; i < 22; i++) {
                // 250 samples down to 19: sealed chunks plus an open one, each open chunk shorter than the one before,
                // so the cursor's reused copy must be read to its own length and hold no chunk of the series before
                int samples = 250 - i * 11;
                for (int k = 0; k < samples; k++) {
                    a.append(Appender.NO_REF, Labels.of("__name__", "m", "i", String.valueOf(i)), k * minute, i * 1_000 + k * k * 0.37);
                }
            }
            // made last (read last): its open chunk lies past an early range, after series whose open chunk is in it
            for (int k = 0; k < 250; k++) {
                a.append(Appender.NO_REF, Labels.of("__name__", "m", "i", "late"), k * minute, -k);
            }
            // one chunk with a gap around a queried range: no sample in it, found by decoding the reused copy
            for (int k : new int[] {0, 1, 2, 100, 101}) {
                a.append(Appender.NO_REF, Labels.of("__name__", "g", "i", "gap"), k * minute, k);
            }
            a.commit();
            try (Querier q = s.querier(20 * minute, 300 * minute)) {
                List<String> each = read(q.selectEach(Matcher.eq("__name__", "m")));
                List<String> eager = read(q.select(false, Matcher.eq("__name__", "m")));
                assertThat(each).hasSize(22).containsExactlyElementsOf(eager); // i=21 (19 samples): none in range
                assertThat(each.get(0)).startsWith("i=0 ");
                assertThat(each.get(0).split(" ")).hasSize(1 + 230); // samples 20..249, across three block windows
            }
            try (Querier q = s.querier(20 * minute, 100 * minute)) {
                List<String> each = read(q.selectEach(Matcher.eq("__name__", "m")));
                assertThat(each).containsExactlyElementsOf(read(q.select(false, Matcher.eq("__name__", "m"))));
                assertThat(each.get(each.size() - 1).split(" ")).hasSize(1 + 81); // "late": sealed chunk only, 20..100
            }
            try (Querier q = s.querier(50 * minute, 60 * minute)) {
                assertThat(read(q.selectEach(Matcher.eq("__name__", "g")))).isEmpty();
            }
            try (Querier q = s.querier(90 * minute, 110 * minute)) {
                assertThat(read(q.selectEach(Matcher.eq("__name__", "g")))).containsExactly("i=gap 100.0 101.0");
            }
        }
    }

    @Test
    void aSeriesWhoseOpenChunkIsOutOfRangeShowsNothingOfTheOpenChunkReadBeforeIt() {
        long minute = 60_000;
        try (StorageEngine s = open()) {
            Appender a = s.appender();
            for (int k = 0; k < 140; k++) { // a sealed chunk (first 2 h window) and an open one at 120..139 min
                a.append(Appender.NO_REF, Labels.of("__name__", "m", "i", "a"), k * minute, k);
            }
            for (int k : new int[] {0, 50, 100, 250, 260}) { // sealed 0..100 min, open 250..260 min
                a.append(Appender.NO_REF, Labels.of("__name__", "m", "i", "b"), k * minute, -k);
            }
            a.commit();
            try (Querier q = s.querier(20 * minute, 130 * minute)) {
                List<String> each = read(q.selectEach(Matcher.eq("__name__", "m")));
                assertThat(each).containsExactlyInAnyOrder(read(q.select(false, Matcher.eq("__name__", "m"))).toArray(new String[0]));
                assertThat(each).contains("i=b -50.0 -100.0");
            }
        }
    }

    @Test
    void selectEachRefusesASelectorThatMatchesEverySeriesAsSelectDoes() {
        try (StorageEngine s = open(); Querier q = s.querier(0, STEP)) {
            assertThatThrownBy(() -> q.selectEach(Matcher.eq("job", ""))).isInstanceOf(StorageException.class)
                    .hasMessageContaining("at least one matcher");
        }
    }

    private StorageEngine open() {
        StorageConfig config = new StorageConfig(dir, 2 * 3_600_000L, 100 * 3_600_000L, WalSyncMode.NEVER, 1_000, 1 << 20, 0, 1_000);
        return StorageEngine.open(config, OpenTelemetry.noop().getMeter("test"), DefaultFileFacade.INSTANCE, false);
    }

    private static List<String> read(SeriesSet set) {
        List<String> out = new ArrayList<>();
        while (set.next()) {
            out.add(samples(set.at()));
        }
        return out;
    }

    private static String samples(Series series) {
        StringBuilder b = new StringBuilder("i=" + series.labels().get("i"));
        SampleIterator it = series.iterator(null);
        if (it.seek(Long.MIN_VALUE)) {
            do {
                b.append(' ').append(it.value());
            } while (it.next());
        }
        return b.toString();
    }
}
