package io.sightline.ingest.remote;

import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LabelCacheTest {
    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void twoKeysOfTheSameSetAreBothKeptAndAThirdDisplacesTheOlder() {
        LabelCache cache = new LabelCache(16);
        byte[] a = key("a");
        byte[] b = key("b");
        byte[] c = key("c");
        int set = 6; // same hash for all three: the worst collision
        cache.put(set, a, 0, a.length, Labels.of("__name__", "a"), 1);
        cache.put(set, b, 0, b.length, Labels.of("__name__", "b"), 2);

        assertThat(cache.get(set, a, 0, a.length).ref).isEqualTo(1);
        assertThat(cache.get(set, b, 0, b.length).ref).isEqualTo(2);

        cache.put(set, c, 0, c.length, Labels.of("__name__", "c"), 3);
        assertThat(cache.get(set, a, 0, a.length)).isNull();
        assertThat(cache.get(set, b, 0, b.length).labels).isEqualTo(Labels.of("__name__", "b"));
        assertThat(cache.get(set, c, 0, c.length).labels).isEqualTo(Labels.of("__name__", "c"));
    }

    @Test
    void aHashCollisionNeverReturnsAnotherSeries() {
        LabelCache cache = new LabelCache(16);
        byte[] buf = key("xxjob=apiyy");
        cache.put(42, buf, 2, 9, Labels.of("__name__", "up", "job", "api"), 7);
        byte[] other = key("job=apx");

        assertThat(cache.get(42, other, 0, other.length)).isNull();
        assertThat(cache.get(42, buf, 2, 9).ref).isEqualTo(7);
        assertThat(cache.get(43, buf, 2, 9)).isNull();
    }

    @Test
    void updatedReferenceReplacesTheEntryInItsSlot() {
        LabelCache cache = new LabelCache(16);
        byte[] a = key("a");
        cache.put(LabelCache.hash(a, 0, 1), a, 0, 1, Labels.of("__name__", "a"), 1);
        LabelCache.Entry e = cache.get(LabelCache.hash(a, 0, 1), a, 0, 1);

        cache.updateRef(e, 9);

        assertThat(cache.get(LabelCache.hash(a, 0, 1), a, 0, 1).ref).isEqualTo(9);
    }

    @Test
    void hashDependsOnTheBytesNotOnWhereTheyLie() {
        byte[] x = key("__name__up_job_api");
        byte[] y = key("..__name__up_job_api..");

        assertThat(LabelCache.hash(x, 0, x.length)).isEqualTo(LabelCache.hash(y, 2, y.length - 2));
        assertThat(LabelCache.hash(x, 0, x.length)).isNotEqualTo(LabelCache.hash(x, 0, x.length - 1));
    }

    @Test
    void theFollowerHintHitsOnlyOnEqualBytes() {
        LabelCache cache = new LabelCache(16);
        byte[] a = key("a");
        byte[] b = key("bb");
        LabelCache.Entry ea = cache.put(1, a, 0, a.length, Labels.of("__name__", "a"), 1);
        LabelCache.Entry eb = cache.put(2, b, 0, b.length, Labels.of("__name__", "bb"), 2);

        assertThat(LabelCache.followerMatching(ea, b, 0, b.length)).isNull();
        LabelCache.follows(ea, eb);

        assertThat(LabelCache.followerMatching(ea, b, 0, b.length)).isSameAs(eb);
        byte[] other = key("bc");
        assertThat(LabelCache.followerMatching(ea, other, 0, other.length)).isNull();
        assertThat(LabelCache.followerMatching(ea, b, 0, 1)).isNull();
    }

    @Test
    void aDisplacedEntryIsStillFoundThroughItsPredecessorButKeepsNoFollower() {
        LabelCache cache = new LabelCache(16);
        byte[] a = key("a");
        byte[] b = key("b");
        byte[] c = key("c");
        byte[] d = key("d");
        LabelCache.Entry first = cache.put(4, d, 0, d.length, Labels.of("__name__", "d"), 4);
        LabelCache.Entry ea = cache.put(6, a, 0, a.length, Labels.of("__name__", "a"), 1);
        LabelCache.Entry eb = cache.put(8, b, 0, b.length, Labels.of("__name__", "b"), 2);
        LabelCache.follows(first, ea);
        LabelCache.follows(ea, eb);

        cache.put(6, c, 0, c.length, Labels.of("__name__", "c"), 3);
        cache.put(6, c, 0, c.length, Labels.of("__name__", "c"), 3); // a's set is full: a is displaced

        assertThat(cache.get(6, a, 0, a.length)).isNull();
        assertThat(LabelCache.followerMatching(first, a, 0, a.length)).isSameAs(ea);
        assertThat(ea.next).isNull();
        LabelCache.follows(ea, eb);
        assertThat(ea.next).isNull();
        LabelCache.Entry updated = cache.updateRef(ea, 5);
        assertThat(updated.isDropped).isTrue();
        assertThat(cache.get(6, a, 0, a.length)).isNull();
    }

    @Test
    void anUpdatedReferenceKeepsTheFollowerHint() {
        LabelCache cache = new LabelCache(16);
        byte[] a = key("a");
        byte[] b = key("b");
        LabelCache.Entry ea = cache.put(1, a, 0, a.length, Labels.of("__name__", "a"), 1);
        LabelCache.Entry eb = cache.put(2, b, 0, b.length, Labels.of("__name__", "b"), 2);
        LabelCache.follows(ea, eb);

        LabelCache.Entry updated = cache.updateRef(ea, 9);

        assertThat(updated.ref).isEqualTo(9);
        assertThat(LabelCache.followerMatching(updated, b, 0, b.length)).isSameAs(eb);
        assertThat(LabelCache.followerMatching(ea, b, 0, b.length)).isNull();
    }
}
