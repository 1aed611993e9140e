package io.sightline.storage.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/** The head's series table: lookups by labels and id through growth, removal and shrinking. */
class StripeSeriesTest {
    private static final int SERIES = 50_000;

    @Test
    void everySeriesIsFoundByLabelsAndIdAfterTheTablesGrew() {
        StripeSeries table = new StripeSeries(SERIES);
        List<HeadSeries> made = create(table, SERIES);
        assertThat(table.size()).isEqualTo(SERIES);
        for (HeadSeries s : made) {
            assertThat(table.byLabels(labels(s.id))).isSameAs(s);
            assertThat(table.byId(s.id)).isSameAs(s);
        }
        assertThat(table.byLabels(labels(SERIES + 1))).isNull();
        assertThat(table.byId(SERIES + 1)).isNull();
    }

    @Test
    void getOrCreateReturnsTheExistingSeriesAndRunsTheFactoryOncePerLabels() {
        StripeSeries table = new StripeSeries(10);
        HeadSeries first = table.getOrCreate(labels(1), l -> new HeadSeries(1, l));
        HeadSeries again = table.getOrCreate(labels(1), l -> {
            throw new AssertionError("factory ran for known labels");
        });
        assertThat(again).isSameAs(first);
        assertThat(table.getOrCreate(labels(2), l -> null)).as("no room").isNull();
        assertThat(table.byLabels(labels(2))).isNull();
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void removingRandomSeriesKeepsEveryOtherOneFindableAndTheRemovedOnesGone() {
        StripeSeries table = new StripeSeries(SERIES);
        List<HeadSeries> made = create(table, SERIES);
        SplittableRandom random = new SplittableRandom(7);
        Set<Integer> removed = new HashSet<>();
        for (HeadSeries s : made) {
            if (random.nextInt(10) < 9) { // most go: the tables shrink on the way
                assertThat(table.remove(s)).isTrue();
                removed.add(s.id);
            }
        }
        assertThat(table.size()).isEqualTo(SERIES - removed.size());
        for (HeadSeries s : made) {
            boolean isRemoved = removed.contains(s.id);
            assertThat(table.byLabels(labels(s.id))).as("series %d", s.id).isSameAs(isRemoved ? null : s);
            assertThat(table.byId(s.id)).isSameAs(isRemoved ? null : s);
        }
        List<HeadSeries> visited = new ArrayList<>();
        table.forEach(visited::add);
        assertThat(visited).hasSize(SERIES - removed.size()).doesNotHaveDuplicates();
        HeadSeries gone = made.stream().filter(s -> removed.contains(s.id)).findFirst().orElseThrow();
        assertThat(table.remove(gone)).as("second removal").isFalse();
        HeadSeries back = table.getOrCreate(gone.labels, l -> new HeadSeries(gone.id, l));
        assertThat(back).isNotSameAs(gone);
        assertThat(table.byId(gone.id)).isSameAs(back);
    }

    @Test
    void removingAStaleInstanceLeavesTheRegisteredOne() {
        StripeSeries table = new StripeSeries(10);
        HeadSeries registered = table.getOrCreate(labels(3), l -> new HeadSeries(3, l));
        HeadSeries stale = new HeadSeries(3, labels(3));
        assertThat(table.remove(stale)).isFalse();
        assertThat(table.byLabels(labels(3))).isSameAs(registered);
    }

    @Test
    void labelsWithEqualHashesAreToldApart() {
        // "Aa" and "BB" have the same String hash, so these label sets collide in the stripe and the table.
        StripeSeries table = new StripeSeries(10);
        Labels a = Labels.of("__name__", "m", "k", "Aa");
        Labels b = Labels.of("__name__", "m", "k", "BB");
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
        HeadSeries sa = table.getOrCreate(a, l -> new HeadSeries(1, l));
        HeadSeries sb = table.getOrCreate(b, l -> new HeadSeries(2, l));
        assertThat(sb).isNotSameAs(sa);
        assertThat(table.remove(sa)).isTrue();
        assertThat(table.byLabels(b)).isSameAs(sb);
        assertThat(table.byLabels(a)).isNull();
    }

    @Test
    void labelsWithEqualTagsButOtherHashesAreToldApartThroughRemovalsAndGrowth() {
        // Series whose hashes differ but share the stripe and the one-byte slot tag: only the labels tell them apart.
        List<Labels> sameTag = new ArrayList<>();
        Labels first = labels(1);
        int stripeBits = first.hashCode() & 1023;
        byte tag = StripeSeries.tag(first.hashCode());
        for (int id = 1; sameTag.size() < 24; id++) {
            Labels l = labels(id);
            if ((l.hashCode() & 1023) == stripeBits && StripeSeries.tag(l.hashCode()) == tag) {
                sameTag.add(l);
            }
        }
        StripeSeries table = new StripeSeries(1 << 30);
        List<HeadSeries> made = new ArrayList<>();
        for (int i = 0; i < sameTag.size(); i++) { // 24 in one stripe: its table grows from 8 slots to 32
            int id = i + 1;
            made.add(table.getOrCreate(sameTag.get(i), l -> new HeadSeries(id, l)));
        }
        for (int i = 0; i < made.size(); i += 2) { // removals shift the others' probe runs
            assertThat(table.remove(made.get(i))).isTrue();
        }
        for (int i = 0; i < made.size(); i++) {
            assertThat(table.byLabels(sameTag.get(i))).as("series %d", i).isSameAs(i % 2 == 0 ? null : made.get(i));
        }
    }

    private static List<HeadSeries> create(StripeSeries table, int n) {
        List<HeadSeries> made = new ArrayList<>();
        for (int id = 1; id <= n; id++) {
            int i = id;
            HeadSeries s = table.getOrCreate(labels(id), l -> new HeadSeries(i, l));
            assertThat(s.id).isEqualTo(id);
            made.add(s);
        }
        return made;
    }

    private static Labels labels(int id) {
        return Labels.of("__name__", "metric_" + (id % 97), "instance", "host-" + id);
    }
}
