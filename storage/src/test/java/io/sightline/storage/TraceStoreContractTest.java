package io.sightline.storage;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.model.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static io.sightline.storage.TestSpans.T0;
import static io.sightline.storage.TestSpans.span;
import static io.sightline.storage.TestSpans.spanId;
import static io.sightline.storage.TestSpans.traceId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Behaviour every state of the real trace store must keep: subclasses move what was committed into one state
 * (head, WAL replay, cut segment, after restart) before it is read back, and every state answers the same.
 */
public abstract class TraceStoreContractTest {
    protected static final long ALL_MIN = Long.MIN_VALUE;
    protected static final long ALL_MAX = Long.MAX_VALUE;

    @TempDir
    protected Path dataDir;
    protected TraceStore store;

    /** Brings what was committed so far into the state under test; returns the store to read from. */
    protected abstract TraceStore settle(TraceStore written);

    protected TraceStoreConfig config() {
        return new TraceStoreConfig(dataDir.resolve("traces"), 3600_000, 4L << 20, 365L * 24 * 3600_000 * 100,
                WalSyncMode.NEVER, 1_000, TraceStoreConfig.DEFAULT_INDEXED_ATTRIBUTES);
    }

    protected TraceStore reopen() {
        return TraceStore.open(config(), OpenTelemetry.noop().getMeter("test"));
    }

    @BeforeEach
    void openStore() {
        store = reopen();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected long commit(List<Span> spans) {
        SpanAppender a = store.appender();
        spans.forEach(a::append);
        return a.commit();
    }

    /** Commits {@code traces} random traces in commits of about {@code perCommit} spans; returns every span committed. */
    protected List<Span> commitRandom(long seed, int traces, int perCommit) {
        TestSpans gen = new TestSpans(seed);
        List<Span> all = new ArrayList<>();
        List<Span> batch = new ArrayList<>();
        for (int t = 0; t < traces; t++) {
            List<Span> trace = gen.trace(t, T0 + t * 10_000_000L);
            batch.addAll(trace);
            all.addAll(trace);
            if (batch.size() >= perCommit) {
                commit(batch);
                batch.clear();
            }
        }
        commit(batch);
        return all;
    }

    private List<Span> select(TraceStore s, long min, long max, List<SpanTerm> terms) {
        List<Span> out = new ArrayList<>();
        try (TraceQuerier q = s.querier(min, max)) {
            q.select(terms, out::add);
        }
        return out;
    }

    private static List<Span> sorted(List<Span> spans) {
        List<Span> copy = new ArrayList<>(spans);
        copy.sort(Comparator.comparing(Span::traceId).thenComparing(Span::spanId));
        return copy;
    }

    @Test
    void traceByIdReturnsEverySpanAsSentOrderedByStart() {
        List<Span> all = commitRandom(1, 40, 25);
        store = settle(store);
        try (TraceQuerier q = store.querier(ALL_MIN, ALL_MAX)) {
            for (int t = 0; t < 40; t++) {
                String id = traceId(t);
                List<Span> expected = all.stream().filter(s -> s.traceId().equals(id))
                        .sorted(Comparator.comparingLong(Span::startNanos)).toList();
                assertThat(q.trace(id)).as("trace %s", id).containsExactlyElementsOf(expected);
            }
            assertThat(q.trace(traceId(999))).isEmpty();
        }
    }

    @Test
    void traceSplitAcrossManyCommitsComesBackWhole() {
        String id = traceId(7);
        List<Span> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Span s = span(id, spanId(i), i == 0 ? "" : spanId(0), "svc" + (i % 3), "op" + i, T0 + (12 - i) * 1000L, 5, 0);
            expected.add(s);
            commit(List.of(s, span(traceId(100 + i), spanId(100 + i), "", "other", "noise", T0 + i, 1, 0)));
        }
        store = settle(store);
        try (TraceQuerier q = store.querier(ALL_MIN, ALL_MAX)) {
            assertThat(q.trace(id)).containsExactlyElementsOf(
                    expected.stream().sorted(Comparator.comparingLong(Span::startNanos)).toList());
        }
    }

    @Test
    void traceByIdKeepsOnlySpansStartingInRange() {
        String id = traceId(1);
        commit(List.of(span(id, spanId(1), "", "a", "x", T0, 10, 0), span(id, spanId(2), spanId(1), "a", "y", T0 + 100, 10, 0),
                span(id, spanId(3), spanId(1), "a", "z", T0 + 200, 10, 0)));
        store = settle(store);
        try (TraceQuerier q = store.querier(T0 + 100, T0 + 200)) {
            assertThat(q.trace(id)).extracting(Span::spanId).containsExactly(spanId(2), spanId(3));
        }
    }

    @Test
    void traceByIdRejectsAMalformedIdNamingIt() {
        try (TraceQuerier q = store.querier(ALL_MIN, ALL_MAX)) {
            assertThatThrownBy(() -> q.trace("XYZ")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("trace id").hasMessageContaining("XYZ");
        }
    }

    @Test
    void appendRejectsSpansWithMalformedIds() {
        SpanAppender a = store.appender();
        assertThatThrownBy(() -> a.append(span("abc", spanId(1), "", "a", "x", T0, 1, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trace id").hasMessageContaining("\"abc\"");
        assertThatThrownBy(() -> a.append(span(traceId(1), "00112233445566GG", "", "a", "x", T0, 1, 0)))
                .hasMessageContaining("span id");
        assertThatThrownBy(() -> a.append(span(traceId(1), spanId(1), "12", "a", "x", T0, 1, 0)))
                .hasMessageContaining("parent span id");
        assertThat(a.pending()).isZero();
    }

    @Test
    void termSelectionEqualsABruteForceFilter() {
        List<Span> all = commitRandom(42, 300, 64);
        store = settle(store);
        Random random = new Random(7);
        long min = T0 + 500 * 1_000_000L;
        long max = T0 + 2_500 * 1_000_000L;
        for (int round = 0; round < 200; round++) {
            List<SpanTerm> terms = new ArrayList<>();
            int n = random.nextInt(3) + (round < 20 ? 0 : 1);
            for (int i = 0; i < n; i++) {
                terms.add(randomTerm(random));
            }
            boolean isRanged = random.nextBoolean();
            long lo = isRanged ? min : ALL_MIN;
            long hi = isRanged ? max : ALL_MAX;
            List<Span> expected = all.stream()
                    .filter(s -> s.startNanos() >= lo && s.startNanos() <= hi)
                    .filter(s -> terms.stream().allMatch(t -> bruteForce(t, s))).toList();
            assertThat(sorted(select(store, lo, hi, terms))).as("terms %s", terms).containsExactlyElementsOf(sorted(expected));
        }
    }

    private static SpanTerm randomTerm(Random r) {
        return switch (r.nextInt(9)) {
            case 0 -> SpanTerm.service(TestSpans.SERVICES[r.nextInt(TestSpans.SERVICES.length)]);
            case 1 -> SpanTerm.name(TestSpans.NAMES[r.nextInt(TestSpans.NAMES.length)]);
            case 2 -> SpanTerm.kind(r.nextInt(6));
            case 3 -> SpanTerm.status(r.nextInt(3));
            case 4 -> SpanTerm.spanAttribute("http.route", TestSpans.ROUTES[r.nextInt(TestSpans.ROUTES.length)]);
            case 5 -> SpanTerm.spanAttribute("http.response.status_code", r.nextBoolean() ? "500" : "200");
            case 6 -> SpanTerm.spanAttribute("user.id", "u" + r.nextInt(60));
            case 7 -> SpanTerm.resourceAttribute("host.name", TestSpans.HOSTS[r.nextInt(TestSpans.HOSTS.length)]);
            default -> r.nextBoolean() ? SpanTerm.spanAttribute("http.request.method", "POST")
                    : SpanTerm.spanAttribute("cache.hit", "true");
        };
    }

    /** The term's meaning written out independently of the store's filter. */
    private static boolean bruteForce(SpanTerm t, Span s) {
        return switch (t.field()) {
            case SERVICE -> t.value().equals(s.resource().get("service.name"));
            case NAME -> t.value().equals(s.name());
            case KIND -> t.value().equals(String.valueOf(s.kind()));
            case STATUS -> t.value().equals(String.valueOf(s.statusCode()));
            case SPAN_ATTRIBUTE -> {
                int i = s.attributes().indexOf(t.key());
                yield i >= 0 && t.value().equals(s.attributes().stringValue(i));
            }
            case RESOURCE_ATTRIBUTE -> {
                int i = s.resource().indexOf(t.key());
                yield i >= 0 && t.value().equals(s.resource().stringValue(i));
            }
        };
    }

    @Test
    void selectStopsWhenTheVisitorSaysSo() {
        commitRandom(3, 50, 30);
        store = settle(store);
        List<Span> seen = new ArrayList<>();
        try (TraceQuerier q = store.querier(ALL_MIN, ALL_MAX)) {
            q.select(List.of(), s -> {
                seen.add(s);
                return seen.size() < 5;
            });
        }
        assertThat(seen).hasSize(5);
    }

    @Test
    void tagListingsNameWhatSpansInRangeCarry() {
        commit(List.of(
                span(traceId(1), spanId(1), "", "api", "GET /a", T0, 10, Span.STATUS_ERROR, "http.route", "/a", "team", "blue"),
                span(traceId(1), spanId(2), spanId(1), "db", "SELECT", T0 + 10, 10, 0, "db.system", "postgresql"),
                span(traceId(2), spanId(3), "", "late", "GET /z", T0 + 1_000_000, 10, 0, "zone", "z1")));
        store = settle(store);
        try (TraceQuerier q = store.querier(T0, T0 + 100)) {
            assertThat(q.attributeNames(TraceQuerier.Scope.SPAN)).containsExactly("db.system", "http.route", "team");
            assertThat(q.attributeNames(TraceQuerier.Scope.RESOURCE)).containsExactly("service.name");
            assertThat(q.attributeValues(TraceQuerier.Scope.SPAN, "team", 10)).containsExactly("blue");
            assertThat(q.attributeValues(TraceQuerier.Scope.RESOURCE, "service.name", 10)).containsExactly("api", "db");
            assertThat(q.attributeValues(TraceQuerier.Scope.RESOURCE, "service.name", 1)).containsExactly("api");
            assertThat(q.intrinsicValues(SpanTerm.Field.SERVICE, 10)).containsExactly("api", "db");
            assertThat(q.intrinsicValues(SpanTerm.Field.NAME, 10)).containsExactly("GET /a", "SELECT");
            assertThat(q.intrinsicValues(SpanTerm.Field.STATUS, 10)).containsExactly("0", "2");
            assertThat(q.intrinsicValues(SpanTerm.Field.KIND, 10)).containsExactly("2");
            assertThatThrownBy(() -> q.intrinsicValues(SpanTerm.Field.SPAN_ATTRIBUTE, 10))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SPAN_ATTRIBUTE");
        }
    }

    @Test
    void commitSequencesIncreaseAndSurvive() {
        assertThat(store.lastSequence()).isZero();
        assertThat(store.appender().commit()).as("empty commit").isZero();
        long a = commit(List.of(span(traceId(1), spanId(1), "", "a", "x", T0, 1, 0)));
        long b = commit(List.of(span(traceId(2), spanId(2), "", "a", "x", T0, 1, 0)));
        assertThat(a).isPositive();
        assertThat(b).isGreaterThan(a);
        store = settle(store);
        assertThat(store.lastSequence()).isEqualTo(b);
        long c = commit(List.of(span(traceId(3), spanId(3), "", "a", "x", T0, 1, 0)));
        assertThat(c).isGreaterThan(b);
    }

    @Test
    void forEachSinceVisitsTheLaterCommitsInOrderWithTheirSpans() {
        TestSpans gen = new TestSpans(9);
        Map<Long, List<Span>> commits = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            List<Span> spans = gen.trace(i, T0 + i);
            commits.put(commit(spans), spans);
        }
        store = settle(store);
        List<Long> sequences = new ArrayList<>(commits.keySet());
        long after = sequences.get(6);
        Map<Long, List<Span>> seen = new LinkedHashMap<>();
        store.forEachSince(after, (seq, spans) -> seen.put(seq, List.copyOf(spans)));
        assertThat(seen.keySet()).containsExactlyElementsOf(sequences.subList(7, 20));
        for (long seq : seen.keySet()) {
            assertThat(sorted(seen.get(seq))).isEqualTo(sorted(commits.get(seq)));
        }
        List<Long> everything = new ArrayList<>();
        store.forEachSince(0, (seq, spans) -> everything.add(seq));
        assertThat(everything).containsExactlyElementsOf(sequences);
    }

    @Test
    void spanCountsByServiceMatchWhatWasCommitted() {
        List<Span> all = commitRandom(11, 120, 40);
        store = settle(store);
        TreeSet<String> services = new TreeSet<>();
        all.forEach(s -> services.add(s.service()));
        for (String service : services) {
            long expected = all.stream().filter(s -> s.service().equals(service)).count();
            assertThat(select(store, ALL_MIN, ALL_MAX, List.of(SpanTerm.service(service)))).hasSize((int) expected);
        }
    }
}
