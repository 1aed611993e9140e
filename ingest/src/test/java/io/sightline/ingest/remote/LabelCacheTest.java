package io.sightline.ingest.remote;

import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LabelCacheTest {
    /**
     * A series' label bytes as the decoder passes them: each part a length-delimited field (tag 1), laid out in a
     * request buffer after {@code at} unrelated bytes.
     */
    private record Key(byte[] buf, int from, int to) {
        int hash() {
            return LabelCache.hash(buf, from, to);
        }

        LabelCache.Entry get(LabelCache cache, int hash) {
            return cache.get(hash, buf, from, to);
        }

        LabelCache.Entry put(LabelCache cache, int hash, Labels labels, long ref) {
            return cache.put(hash, buf, from, to, labels, ref);
        }

        LabelCache.Entry follower(LabelCache.Entry previous) {
            return LabelCache.followerMatching(previous, buf, from, to);
        }

        byte[] bytes() {
            return Arrays.copyOfRange(buf, from, to);
        }
    }

    private static Key key(String... parts) {
        return keyAt(3, parts);
    }

    private static Key keyAt(int at, String... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[at]);
        for (String p : parts) {
            byte[] b = p.getBytes(StandardCharsets.UTF_8);
            out.write(0x0a);
            for (int n = b.length; ; n >>>= 7) { // varint length
                if (n < 0x80) {
                    out.write(n);
                    break;
                }
                out.write((n & 0x7F) | 0x80);
            }
            out.writeBytes(b);
        }
        int to = out.size();
        out.writeBytes(new byte[]{0x0a, 0x01});
        return new Key(out.toByteArray(), at, to);
    }

    @Test
    void theKeysOfOneSetAreAllKeptAndOneMoreDisplacesTheOldest() {
        LabelCache cache = new LabelCache(16);
        int hash = 6; // the same hash for all of them: the worst collision
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i <= LabelCache.WAYS; i++) {
            keys.add(key("k" + i));
        }
        for (int i = 0; i < LabelCache.WAYS; i++) {
            keys.get(i).put(cache, hash, Labels.of("__name__", "k" + i), i);
        }
        for (int i = 0; i < LabelCache.WAYS; i++) {
            assertThat(keys.get(i).get(cache, hash).ref).isEqualTo(i);
        }

        keys.get(LabelCache.WAYS).put(cache, hash, Labels.of("__name__", "new"), 99);
        assertThat(keys.get(0).get(cache, hash)).isNull();
        for (int i = 1; i < LabelCache.WAYS; i++) {
            assertThat(keys.get(i).get(cache, hash).labels).isEqualTo(Labels.of("__name__", "k" + i));
        }
        assertThat(keys.get(LabelCache.WAYS).get(cache, hash).ref).isEqualTo(99);
        assertThat(cache.get(hash + LabelCache.WAYS, keys.get(1).buf(), keys.get(1).from(), keys.get(1).to()))
                .as("another set is not probed").isNull();
    }

    @Test
    void aHashCollisionNeverReturnsAnotherSeries() {
        LabelCache cache = new LabelCache(16);
        Key stored = key("__name__=up", "job=api");
        stored.put(cache, 42, Labels.of("__name__", "up", "job", "api"), 7);

        assertThat(key("__name__=up", "job=apx").get(cache, 42)).isNull();
        assertThat(key("__name__=up").get(cache, 42)).isNull();
        assertThat(key("__name__=up", "job=api", "x=y").get(cache, 42)).isNull();
        assertThat(key("__name__=u", "pjob=api").get(cache, 42)).as("other field boundaries").isNull();
        assertThat(key("job=api", "__name__=up").get(cache, 42)).isNull();
        assertThat(stored.get(cache, 42).ref).isEqualTo(7);
        assertThat(key("__name__=up", "job=api").get(cache, 42).ref).isEqualTo(7);
        assertThat(stored.get(cache, 42 + LabelCache.WAYS)).as("another set is not probed").isNull();
    }

    @Test
    void keysAreFoundWhereverTheyLieInTheRequest() {
        LabelCache cache = new LabelCache(16);
        keyAt(0, "__name__=up", "job=api").put(cache, 5, Labels.of("__name__", "up", "job", "api"), 7);

        assertThat(keyAt(40, "__name__=up", "job=api").get(cache, 5).ref).isEqualTo(7);
    }

    @Test
    void entriesShareEqualLabelFieldsInsteadOfCopyingThem() {
        LabelCache cache = new LabelCache(1 << 10);
        Key a = key("__name__=up", "job=api", "instance=host-1", "zone=a", "x=1");
        Key b = key("__name__=up", "job=api", "instance=host-2", "zone=a", "x=1");
        LabelCache.Entry ea = a.put(cache, a.hash(), Labels.of("__name__", "up", "instance", "host-1"), 1);
        LabelCache.Entry eb = b.put(cache, b.hash(), Labels.of("__name__", "up", "instance", "host-2"), 2);

        assertThat(eb.parts()).hasNumberOfRows(3);
        assertThat(eb.p0).isSameAs(ea.p0);
        assertThat(eb.p1).isNotSameAs(ea.p1);
        assertThat(eb.rest).isSameAs(ea.rest);
        assertThat(joined(ea)).isEqualTo(a.bytes());
        assertThat(joined(eb)).isEqualTo(b.bytes());
    }

    private static byte[] joined(LabelCache.Entry e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : e.parts()) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void aLabelFieldTheSharedTableLostIsCopiedAndStillCompared() {
        LabelCache cache = new LabelCache(16); // a part table of 16 slots: 80 distinct parts must evict each other
        List<Key> keys = new ArrayList<>();
        List<LabelCache.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Key k = key("__name__=m", "v=" + i, "w=" + (i * 7));
            keys.add(k);
            entries.add(k.put(cache, 1000 + i, Labels.of("__name__", "m", "v", "" + i, "w", "" + (i * 7)), i));
        }
        for (int i = 0; i < 40; i++) {
            Key k = keys.get(i);
            LabelCache.Entry e = entries.get(i);
            assertThat(joined(e)).isEqualTo(k.bytes());
            LabelCache.Entry previous = new LabelCache.Entry(new byte[0], null, null, Labels.EMPTY, 0);
            LabelCache.follows(previous, e);
            assertThat(k.follower(previous)).isSameAs(e);
            assertThat(key("__name__=m", "v=" + i, "w=" + (i * 7 + 1)).follower(previous)).isNull();
        }
    }

    @Test
    void keysOfOneToTenFieldsMatchOnlyThemselvesAcrossTheInlinePartsAndTheTail() {
        LabelCache cache = new LabelCache(1 << 10);
        List<Key> keys = new ArrayList<>();
        for (int fields = 1; fields <= 10; fields++) {
            String[] f = new String[fields];
            for (int i = 0; i < fields; i++) {
                f[i] = "l" + i + "=v" + i;
            }
            Key k = key(f);
            keys.add(k);
            LabelCache.Entry e = k.put(cache, 5, Labels.of("__name__", "n" + fields), fields);
            assertThat(e.parts()).as("%d fields", fields).hasNumberOfRows((fields + 1) / 2);
            assertThat(joined(e)).isEqualTo(k.bytes());
        }
        // All ten share one hash: each lookup compares against both entries of the set, and every other key is a
        // prefix or an extension of it, which must not match.
        LabelCache.Entry previous = new LabelCache.Entry(new byte[0], null, null, Labels.EMPTY, 0);
        for (int fields = 1; fields <= 10; fields++) {
            Key k = keys.get(fields - 1);
            LabelCache.Entry e = k.get(cache, 5);
            if (e != null) {
                assertThat(e.ref).isEqualTo(fields);
            }
            for (Key other : keys) {
                if (other != k) {
                    assertThat(other.get(cache, 5)).isNotSameAs(e == null ? previous : e);
                }
            }
            LabelCache.Entry fresh = k.put(cache, 5, Labels.of("__name__", "n" + fields), fields);
            LabelCache.follows(previous, fresh);
            assertThat(k.follower(previous)).isSameAs(fresh);
            for (Key other : keys) {
                if (other != k) {
                    assertThat(other.follower(previous)).as("%s against %d fields", other, fields).isNull();
                }
            }
            String[] changedLast = new String[fields];
            for (int i = 0; i < fields; i++) {
                changedLast[i] = "l" + i + "=v" + (i == fields - 1 ? "X" : i);
            }
            assertThat(key(changedLast).follower(previous)).isNull();
            previous = new LabelCache.Entry(new byte[0], null, null, Labels.EMPTY, 0);
        }
    }

    @Test
    void unicodeEmptyAndManyLabelFieldsCompareByteForByte() {
        LabelCache cache = new LabelCache(1 << 8);
        String[] many = new String[70];
        for (int i = 0; i < many.length; i++) {
            many[i] = "label_" + i + "=value_" + i + "x".repeat(i * 3); // fields past 127 bytes: 2-byte lengths
        }
        Key unicode = key("__name__=température", "city=東京", "emoji=🙂");
        Key empty = key("__name__=up", "", "job=");
        Key manyKey = key(many);
        unicode.put(cache, unicode.hash(), Labels.of("__name__", "température"), 1);
        empty.put(cache, empty.hash(), Labels.of("__name__", "up"), 2);
        manyKey.put(cache, manyKey.hash(), Labels.of("__name__", "many"), 3);

        assertThat(key("__name__=température", "city=東京", "emoji=🙂").get(cache, unicode.hash()).ref).isEqualTo(1);
        assertThat(key("__name__=temperature", "city=東京", "emoji=🙂").get(cache, unicode.hash())).isNull();
        assertThat(key("__name__=up", "", "job=").get(cache, empty.hash()).ref).isEqualTo(2);
        assertThat(key("__name__=up", "job=").get(cache, empty.hash())).isNull();
        assertThat(key(many).get(cache, manyKey.hash()).ref).isEqualTo(3);
        String[] oneOff = many.clone();
        oneOff[69] = oneOff[69].replace("value_69", "value_70");
        assertThat(key(oneOff).get(cache, manyKey.hash())).isNull();
    }

    @Test
    void threadsPuttingAndGettingAtOnceEachFindOnlyTheirOwnSeries() throws Exception {
        LabelCache cache = new LabelCache(1 << 12);
        int threads = 4;
        int series = 3_000; // more than the cache keeps: entries are displaced while others read them
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> hits = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                hits.add(pool.submit(() -> {
                    int found = 0;
                    for (int round = 0; round < 5; round++) {
                        for (int j = 0; j < series; j++) {
                            int s = (j * 7 + seed * 13 + round) % series;
                            Key k = key("__name__=m" + (s % 10), "instance=host-" + (s / 10), "job=api");
                            // A weak hash, so that many series share a set and the comparison decides.
                            int hash = s % 64;
                            LabelCache.Entry e = k.get(cache, hash);
                            if (e == null) {
                                k.put(cache, hash, Labels.of("__name__", "m" + (s % 10), "instance", "host-" + (s / 10),
                                        "job", "api"), s);
                            } else {
                                assertThat(e.ref).isEqualTo(s);
                                assertThat(e.labels.get("instance")).isEqualTo("host-" + (s / 10));
                                found++;
                            }
                        }
                    }
                    return found;
                }));
            }
            for (Future<Integer> f : hits) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(0);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void bytesThatAreNotLabelFieldsAreKeptAsOnePart() {
        LabelCache cache = new LabelCache(16);
        byte[] buf = "..not protobuf..".getBytes(StandardCharsets.UTF_8);
        LabelCache.Entry e = cache.put(9, buf, 2, 14, Labels.of("__name__", "x"), 4);

        assertThat(e.parts()).hasNumberOfRows(1);
        assertThat(cache.get(9, "not protobuf".getBytes(StandardCharsets.UTF_8), 0, 12).ref).isEqualTo(4);
        assertThat(cache.get(9, "not protobug".getBytes(StandardCharsets.UTF_8), 0, 12)).isNull();
        assertThat(cache.get(9, "not protobu".getBytes(StandardCharsets.UTF_8), 0, 11)).isNull();
    }

    @Test
    void updatedReferenceReplacesTheEntryInItsSlot() {
        LabelCache cache = new LabelCache(16);
        Key a = key("a");
        a.put(cache, a.hash(), Labels.of("__name__", "a"), 1);
        LabelCache.Entry e = a.get(cache, a.hash());

        cache.updateRef(e, 9);

        assertThat(a.get(cache, a.hash()).ref).isEqualTo(9);
    }

    @Test
    void aReferenceBeyondAnIntIsNotCachedAndDropsTheEntryItReplaces() {
        LabelCache cache = new LabelCache(16);
        Key a = key("a");
        Key b = key("b");

        assertThat(a.put(cache, a.hash(), Labels.of("__name__", "a"), 1L << 32)).isNull();
        assertThat(a.get(cache, a.hash())).isNull();
        LabelCache.Entry eb = b.put(cache, b.hash(), Labels.of("__name__", "b"), Integer.MAX_VALUE);
        assertThat(b.get(cache, b.hash()).ref).isEqualTo(Integer.MAX_VALUE);
        assertThat(cache.updateRef(eb, -1L - Integer.MAX_VALUE - 1)).isNull();
        assertThat(b.get(cache, b.hash())).isNull();
    }

    @Test
    void entriesKeptWhenTheTableGrowsAreFoundUnderTheirKeysHash() {
        LabelCache cache = new LabelCache(16, 1 << 10);
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // keys of one to three parts and of more (the tail array)
            String[] fields = new String[1 + i * 2];
            for (int f = 0; f < fields.length; f++) {
                fields[f] = "f" + f + "=" + i;
            }
            keys.add(key(fields));
            keys.get(i).put(cache, keys.get(i).hash(), Labels.of("__name__", "k" + i), i + 1);
        }
        int before = cache.capacity();
        cache.counted(1000, 1000); // every lookup missed: it doubles

        assertThat(cache.capacity()).isEqualTo(before * 2);
        for (int i = 0; i < keys.size(); i++) {
            assertThat(keys.get(i).get(cache, keys.get(i).hash()).ref).isEqualTo(i + 1);
        }
    }

    @Test
    void hashDependsOnTheBytesNotOnWhereTheyLie() {
        byte[] x = "__name__up_job_api".getBytes(StandardCharsets.UTF_8);
        byte[] y = "..__name__up_job_api..".getBytes(StandardCharsets.UTF_8);

        assertThat(LabelCache.hash(x, 0, x.length)).isEqualTo(LabelCache.hash(y, 2, y.length - 2));
        assertThat(LabelCache.hash(x, 0, x.length)).isNotEqualTo(LabelCache.hash(x, 0, x.length - 1));
    }

    @Test
    void theFollowerHintHitsOnlyOnEqualBytes() {
        LabelCache cache = new LabelCache(16);
        Key a = key("a");
        Key b = key("bb");
        LabelCache.Entry ea = a.put(cache, 1, Labels.of("__name__", "a"), 1);
        LabelCache.Entry eb = b.put(cache, 2, Labels.of("__name__", "bb"), 2);

        assertThat(b.follower(ea)).isNull();
        LabelCache.follows(ea, eb);

        assertThat(b.follower(ea)).isSameAs(eb);
        assertThat(key("bc").follower(ea)).isNull();
        assertThat(key("b").follower(ea)).isNull();
        assertThat(key("b", "b").follower(ea)).isNull();
    }

    @Test
    void aDisplacedEntryIsStillFoundThroughItsPredecessorButKeepsNoFollower() {
        LabelCache cache = new LabelCache(16);
        Key a = key("a");
        Key b = key("b");
        Key c = key("c");
        Key d = key("d");
        LabelCache.Entry first = d.put(cache, 0, Labels.of("__name__", "d"), 4);
        LabelCache.Entry ea = a.put(cache, 6, Labels.of("__name__", "a"), 1);
        LabelCache.Entry eb = b.put(cache, 8, Labels.of("__name__", "b"), 2);
        LabelCache.follows(first, ea);
        LabelCache.follows(ea, eb);

        for (int i = 0; i < LabelCache.WAYS; i++) {
            c.put(cache, 6, Labels.of("__name__", "c"), 3); // a's set fills up with copies of c: a is displaced
        }

        assertThat(a.get(cache, 6)).isNull();
        assertThat(a.follower(first)).isSameAs(ea);
        assertThat(ea.next).isSameAs(LabelCache.DROPPED);
        LabelCache.follows(ea, eb);
        assertThat(b.follower(ea)).isNull();
        LabelCache.Entry updated = cache.updateRef(ea, 5);
        assertThat(updated.next).isSameAs(LabelCache.DROPPED);
        assertThat(b.follower(updated)).isNull();
        assertThat(a.get(cache, 6)).isNull();
    }

    @Test
    void anUpdatedReferenceKeepsTheFollowerHint() {
        LabelCache cache = new LabelCache(16);
        Key a = key("a");
        Key b = key("b");
        LabelCache.Entry ea = a.put(cache, a.hash(), Labels.of("__name__", "a"), 1);
        LabelCache.Entry eb = b.put(cache, b.hash(), Labels.of("__name__", "b"), 2);
        LabelCache.follows(ea, eb);

        LabelCache.Entry updated = cache.updateRef(ea, 9);
        assertThat(a.get(cache, a.hash())).isSameAs(updated);

        assertThat(updated.ref).isEqualTo(9);
        assertThat(b.follower(updated)).isSameAs(eb);
        assertThat(b.follower(ea)).isNull();
    }

    /** One request's lookups as the decoder makes them: a miss is put, then the request's counts reported. */
    private static int request(LabelCache cache, List<Key> keys, int from, int to) {
        int misses = 0;
        for (int i = from; i < to; i++) {
            Key k = keys.get(i);
            LabelCache.Entry e = k.get(cache, k.hash());
            if (e == null) {
                misses++;
                e = k.put(cache, k.hash(), Labels.of("id", "" + i), i + 1);
            }
            assertThat(e.ref).isEqualTo(i + 1);
            assertThat(e.labels).isEqualTo(Labels.of("id", "" + i));
        }
        cache.counted(to - from, misses);
        return misses;
    }

    private static List<Key> seriesKeys(String prefix, int n) {
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(key("__name__=m", prefix + i));
        }
        return keys;
    }

    @Test
    void growsWhileTheSeriesSentDoNotFitThenHitsThem() {
        LabelCache cache = new LabelCache(64, 1 << 16);
        List<Key> keys = seriesKeys("id=", 2000);
        int misses = 0;
        for (int round = 0; round < 4; round++) {
            misses = 0;
            for (int from = 0; from < keys.size(); from += 100) {
                misses += request(cache, keys, from, from + 100);
            }
        }
        // 2,000 series: grown from 64 slots (32 two-way sets, ~1,950 misses a round) to about four slots per
        // series; what still misses is the overflow of full sets, which the decoder's follower hints mostly catch.
        assertThat(cache.capacity()).isGreaterThanOrEqualTo(4096);
        assertThat(misses).isLessThan(300);
    }

    @Test
    void doesNotGrowWhenFewLookupsMiss() {
        LabelCache cache = new LabelCache(256, 1 << 16);
        List<Key> resent = seriesKeys("old=", 30);
        for (int round = 0; round < 200; round++) {
            request(cache, resent, 0, resent.size()); // resent every round: hits
            for (int r = 0; r < 10; r++) {
                request(cache, resent, 0, resent.size());
            }
            List<Key> fresh = seriesKeys("round" + round + "-", 2); // a few new series now and then
            request(cache, fresh, 0, fresh.size());
        }
        assertThat(cache.capacity()).isEqualTo(256); // 400 new series in all, but never a quarter of the lookups
    }

    @Test
    void aTableMadeWithoutRoomToGrowKeepsItsSize() {
        LabelCache cache = new LabelCache(64);
        List<Key> keys = seriesKeys("id=", 500);
        for (int round = 0; round < 3; round++) {
            request(cache, keys, 0, keys.size());
        }
        assertThat(cache.capacity()).isEqualTo(64);
    }

    @Test
    void aGrowingTableServesConcurrentThreadsWithoutMixingSeries() throws Exception {
        LabelCache cache = new LabelCache(16, 1 << 16);
        List<Key> keys = seriesKeys("id=", 8000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t * 2000;
                done.add(pool.submit(() -> {
                    for (int round = 0; round < 3; round++) {
                        for (int from = first; from < first + 2000; from += 50) {
                            request(cache, keys, from, from + 50);
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(cache.capacity()).isGreaterThanOrEqualTo(1 << 14);
    }
}
