package io.sightline.ingest.otlp;

import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SeriesCacheTest {
    private final SeriesCache cache = new SeriesCache(16);

    @Test
    void hitNeedsEqualPairsNameAndExtraValueNotTheSameInstances() {
        String[] pairs = {"job", "api", "path", "/a"};
        Labels labels = Labels.of("__name__", "x", "job", "api", "path", "/a");
        cache.put(7, "x", null, pairs, 4, labels, 42);

        String[] sameContent = {"job", new String("api"), "path", new String("/a")};
        assertThat(cache.get(7, "x", null, sameContent, 4, null)).extracting(e -> e.ref).isEqualTo(42L);
        assertThat(cache.get(7, "x", null, new String[] {"job", "api", "path", "/b"}, 4, null)).isNull();
        assertThat(cache.get(7, "x", "1", sameContent, 4, null)).isNull();
        assertThat(cache.get(7, "y", null, sameContent, 4, null)).isNull();
        assertThat(cache.get(7, "x", null, sameContent, 2, null)).isNull();
    }

    @Test
    void twoSeriesInOneSetBothStayAndAThirdDisplacesTheOlder() {
        String[] pairs = {"job", "api"};
        cache.put(5, "a", null, pairs, 2, Labels.of("__name__", "a"), 1);
        cache.put(5, "b", null, pairs, 2, Labels.of("__name__", "b"), 2);
        assertThat(cache.get(5, "a", null, pairs, 2, null)).isNotNull();
        assertThat(cache.get(5, "b", null, pairs, 2, null)).isNotNull();

        cache.put(5, "c", null, pairs, 2, Labels.of("__name__", "c"), 3);
        assertThat(cache.get(5, "a", null, pairs, 2, null)).isNull();
        assertThat(cache.get(5, "b", null, pairs, 2, null)).isNotNull();
        assertThat(cache.get(5, "c", null, pairs, 2, null)).isNotNull();
    }

    @Test
    void standsAsideForSomeWindowsAfterAWindowOfMostlyMisses() {
        String[] pairs = {"job", "api"};
        int window = 1 << 16;
        for (int i = 0; i < window; i++) {
            assertThat(cache.isActive()).isTrue();
            cache.get(i, "m" + (i & 1023), null, pairs, 2, null);
        }
        int bypassed = 0;
        while (!cache.isActive()) {
            bypassed++;
        }
        assertThat(bypassed).isEqualTo(window * SeriesCache.BYPASS_WINDOWS);
    }
}
