package io.sightline.storage.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Labels' names and values arrays: hash, equality and order as of the name, value pairs; shared strings. */
class LabelsTest {
    @Test
    void hashEqualityAndOrderAreThoseOfTheNameValuePairs() {
        SplittableRandom random = new SplittableRandom(11);
        List<Labels> all = new ArrayList<>();
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            Labels.Builder b = Labels.builder();
            for (int j = random.nextInt(5); j >= 0; j--) {
                b.set("n" + random.nextInt(4), "v" + random.nextInt(3));
            }
            Labels l = b.build();
            String[] p = new String[l.size() * 2];
            for (int j = 0; j < l.size(); j++) {
                p[2 * j] = l.name(j);
                p[2 * j + 1] = l.value(j);
            }
            all.add(l);
            pairs.add(p);
        }
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).hashCode()).isEqualTo(Arrays.hashCode(pairs.get(i)));
            for (int j = i; j < Math.min(all.size(), i + 50); j++) {
                int byPairs = Integer.signum(Arrays.compare(pairs.get(i), pairs.get(j)));
                assertThat(Integer.signum(all.get(i).compareTo(all.get(j)))).as("%s vs %s", all.get(i), all.get(j))
                        .isEqualTo(byPairs);
                assertThat(all.get(i).equals(all.get(j))).isEqualTo(byPairs == 0);
            }
        }
    }

    @Test
    void aBuilderGivesLabelsOfTheSameNamesOneNamesArrayAndSharingStringsChangesNothingObservable() {
        Labels.Builder b = Labels.builder();
        Labels first = b.set("__name__", "up").set("job", new String("api")).build();
        Labels second = b.reset().set("job", new String("db")).set(new String("__name__"), "up").build();
        Labels other = b.reset().set("__name__", "up").set("zone", "a").build();
        Labels third = b.reset().set("__name__", "up").set("job", "api").build();

        assertThat(second.name(1)).as("one names array").isSameAs(first.name(1));
        assertThat(third.name(0)).isSameAs(other.name(0));
        assertThat(third).isEqualTo(first).hasSameHashCodeAs(first).isNotSameAs(first);
        assertThat(second).isEqualTo(Labels.of("__name__", "up", "job", "db")).isNotEqualTo(first);
        assertThat(other.get("zone")).isEqualTo("a");
        assertThat(other.get("job")).isNull();

        String sharedJob = new String("job");
        String sharedDb = new String("db");
        second.shareStrings(new String[]{"__name__", "up", sharedJob, sharedDb});
        assertThat(second.name(1)).isSameAs(sharedJob);
        assertThat(second.value(1)).isSameAs(sharedDb);
        assertThat(first.name(1)).as("the shared names array now holds the equal instance").isSameAs(sharedJob);
        assertThat(first).isEqualTo(Labels.of("__name__", "up", "job", "api")).hasSameHashCodeAs(Labels.of("__name__", "up", "job", "api"));
        assertThat(second).isEqualTo(Labels.of("__name__", "up", "job", "db"));
    }

    @Test
    void aBuilderSharesTheNamesArraysOfItsLastFourNameSets() {
        Labels.Builder b = Labels.builder();
        List<Labels> firstOfEach = new ArrayList<>();
        for (int set = 0; set < 5; set++) {
            firstOfEach.add(b.reset().set("__name__", "m").set("n" + set, "v").build());
        }
        // Sets 1-4 are the last four: a build of their names shares; set 0 was dropped and gets a new array.
        for (int round = 0; round < 3; round++) {
            for (int set = 4; set >= 1; set--) {
                Labels again = b.reset().set("n" + set, "w" + round).set("__name__", "m").build();
                assertThat(again.name(1)).isSameAs(firstOfEach.get(set).name(1));
                assertThat(again).isEqualTo(Labels.of("__name__", "m", "n" + set, "w" + round));
            }
        }
        Labels dropped = b.reset().set("__name__", "m").set(new String("n0"), "v").build();
        assertThat(dropped.name(1)).isNotSameAs(firstOfEach.get(0).name(1)).isEqualTo("n0");
        assertThat(dropped).isEqualTo(firstOfEach.get(0));
    }

    @Test
    void shareStringsRejectsStringsThatDifferAndChangesNothingThen() {
        Labels l = Labels.of("__name__", "up", "job", "api");
        assertThatThrownBy(() -> l.shareStrings(new String[]{"__name__", "up", "job", "db"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("string 3 differs: 'db' instead of 'api'");
        assertThatThrownBy(() -> l.shareStrings(new String[]{"__name__", "up", "jobs", "api"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("string 2 differs");
        assertThatThrownBy(() -> l.shareStrings(new String[]{"__name__", "up"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 4 strings, got 2");
        assertThat(l).isEqualTo(Labels.of("__name__", "up", "job", "api"));
    }
}
