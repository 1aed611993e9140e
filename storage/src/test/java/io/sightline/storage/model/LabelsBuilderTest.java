package io.sightline.storage.model;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class LabelsBuilderTest {
    @Test
    void labelsSetInAnyOrderComeOutSortedWithLaterValuesWinningAndEmptyValuesRemoving() {
        Labels.Builder b = Labels.builder();
        b.set("job", "api").set("__name__", "up").set("zone", "a").set("instance", "h1").set("job", "web")
                .set("zone", "").set("method", null);

        assertThat(b.get("job")).isEqualTo("web");
        assertThat(b.get("zone")).isNull();
        assertThat(b.build().toMap()).containsExactly(Map.entry("__name__", "up"), Map.entry("instance", "h1"),
                Map.entry("job", "web"));
        assertThat(b.reset().build()).isSameAs(Labels.EMPTY);
        assertThat(b.set("a", "1").build()).isEqualTo(Labels.of("a", "1"));
    }

    @Test
    void aReusedBuilderAgreesWithASortedMapOverRandomSetsRemovesAndResets() {
        Random random = new Random(7);
        Labels.Builder b = Labels.builder();
        TreeMap<String, String> expected = new TreeMap<>();
        for (int step = 0; step < 20_000; step++) {
            String name = "n" + random.nextInt(40); // up to 40 labels: past the builder's first arrays
            int op = random.nextInt(10);
            if (op == 0) {
                b.remove(name);
                expected.remove(name);
            } else if (op == 1) {
                b.set(name, "");
                expected.remove(name);
            } else if (op == 2 && random.nextInt(20) == 0) {
                b.reset();
                expected.clear();
            } else {
                String value = "v" + random.nextInt(5);
                b.set(name, value);
                expected.put(name, value);
            }
            assertThat(b.get(name)).isEqualTo(expected.get(name));
            if (step % 97 == 0) {
                Labels built = b.build();
                assertThat(built.toMap()).containsExactlyEntriesOf(expected);
                assertThat(built.toBuilder().build()).isEqualTo(built);
            }
        }
    }
}
