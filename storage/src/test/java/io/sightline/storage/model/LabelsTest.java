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
    void withStringsHoldsTheGivenInstancesAndChangesNothingObservable() {
        Labels l = Labels.of(new String("job"), new String("api"), new String("__name__"), new String("up"));
        String[] names = {"__name__", "job"};
        String[] values = {"up", "api"};
        Labels shared = l.withStrings(names, values);
        Labels again = Labels.of("__name__", "up", "job", "db").withStrings(names, new String[]{"up", "db"});

        assertThat(shared).isEqualTo(l).hasSameHashCodeAs(l).hasToString(l.toString());
        assertThat(shared.compareTo(l)).isZero();
        assertThat(shared.name(0)).isSameAs(names[0]);
        assertThat(shared.value(1)).isSameAs(values[1]);
        assertThat(shared.get("job")).isSameAs(values[1]);
        assertThat(again).isNotEqualTo(shared).isEqualTo(Labels.of("__name__", "up", "job", "db"));
        assertThat(again.compareTo(shared)).as("same names, then \"db\" after \"api\"").isPositive();
    }

    @Test
    void withStringsRejectsStringsThatDiffer() {
        Labels l = Labels.of("__name__", "up", "job", "api");
        assertThatThrownBy(() -> l.withStrings(new String[]{"__name__", "job"}, new String[]{"up", "db"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value 1 differs: 'db' instead of 'api'");
        assertThatThrownBy(() -> l.withStrings(new String[]{"__name__", "jobs"}, new String[]{"up", "api"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name 1 differs");
        assertThatThrownBy(() -> l.withStrings(new String[]{"__name__"}, new String[]{"up"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 2 names and values, got 1 and 1");
    }
}
