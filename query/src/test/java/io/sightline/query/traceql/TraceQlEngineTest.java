package io.sightline.query.traceql;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.query.QueryException;
import io.sightline.query.TraceQueryConfig;
import io.sightline.query.TraceQueryEngine;
import io.sightline.query.TraceSearchResult;
import io.sightline.storage.SpanAppender;
import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.model.Attributes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.sightline.query.traceql.TraceFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TraceQL searches over the real trace store (a segment and the head): which traces, in which order, with what. */
class TraceQlEngineTest {
    private static final long FROM = BASE - S;
    private static final long TO = BASE + 60 * S;

    @TempDir
    Path dir;
    private TraceStore store;
    private TraceQueryEngine engine;

    @BeforeEach
    void open() {
        store = TraceStore.open(TraceStoreConfig.defaults(dir), OpenTelemetry.noop().getMeter("t"));
        TraceFixtures.write(store);
        engine = TraceQueryEngine.create(store, TraceQueryConfig.defaults());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private List<String> ids(String q) {
        return engine.search(q, FROM, TO, 20, 3).traces().stream().map(TraceSearchResult.Trace::traceId).toList();
    }

    @Test
    void anEmptyFilterFindsEveryTraceNewestFirst() {
        assertThat(ids("{}")).containsExactly(CART, WEB, PAY);
    }

    @Test
    void theLimitKeepsTheNewestTraces() {
        assertThat(engine.search("{}", FROM, TO, 2, 3).traces()).extracting(TraceSearchResult.Trace::traceId)
                .containsExactly(CART, WEB);
    }

    @Test
    void intrinsicFiltersFindTheirTraces() {
        assertThat(ids("{ status = error }")).containsExactly(CART, WEB);
        assertThat(ids("{ duration > 1s }")).containsExactly(PAY);
        assertThat(ids("{ kind = client && name = \"charge\" }")).containsExactly(PAY);
        assertThat(ids("{ name =~ \"GET .*\" && status != error }")).containsExactly(WEB);
        assertThat(ids("{ statusMessage = \"failed\" }")).containsExactly(CART, WEB);
    }

    @Test
    void attributeFiltersUseTypesAndScopes() {
        assertThat(ids("{ .db.system = \"postgresql\" }")).containsExactly(CART);
        assertThat(ids("{ span.http.response.status_code >= 500 }")).containsExactly(CART, WEB);
        assertThat(ids("{ span.http.response.status_code = 200 }")).containsExactly(WEB, PAY);
        assertThat(ids("{ span.http.response.status_code = \"200\" }")).isEmpty();
        assertThat(ids("{ resource.service.name = \"cart\" }")).containsExactly(CART, WEB);
        assertThat(ids("{ .service.name = \"pay\" }")).containsExactly(PAY);
        assertThat(ids("{ .cart.ratio > 0.5 }")).containsExactly(CART);
        assertThat(ids("{ span.rpc.service = \"Bank\" && span.attempt = 2 }")).containsExactly(PAY);
    }

    @Test
    void traceLevelIntrinsicsLookAtTheWholeTrace() {
        assertThat(ids("{ rootServiceName = \"web\" }")).containsExactly(WEB);
        assertThat(ids("{ rootName = \"GET /cart\" && kind = client }")).containsExactly(CART);
        assertThat(ids("{ traceDuration > 1s }")).containsExactly(PAY);
        assertThat(ids("{ resource.service.name = \"cart\" && rootServiceName != \"cart\" }")).containsExactly(WEB);
    }

    @Test
    void spansetOperatorsCombineWholeTraces() {
        assertThat(ids("{ resource.service.name = \"web\" } && { status = error }")).containsExactly(WEB);
        assertThat(ids("{ name = \"SELECT\" } || { name = \"charge\" }")).containsExactly(CART, PAY);
        assertThat(ids("{ name = \"SELECT\" } && { name = \"charge\" }")).isEmpty();
        assertThat(ids("({ status = error } || { duration > 1s }) && { kind = server }")).containsExactly(CART, WEB, PAY);
    }

    @Test
    void aSpanMatchingBothSidesOfASpansetOrIsCountedOnce() {
        TraceSearchResult r = engine.search("{ name = \"charge\" } || { kind = client }", FROM, TO, 20, 10);
        assertThat(r.traces()).extracting(TraceSearchResult.Trace::matched).containsExactly(1, 3);
    }

    @Test
    void aggregatesKeepTracesWhoseSpansetPasses() {
        assertThat(ids("{ name = \"charge\" } | count() > 2")).containsExactly(PAY);
        assertThat(ids("{ name = \"charge\" } | count() > 3")).isEmpty();
        assertThat(ids("{ kind = client } | avg(duration) >= 200ms")).containsExactly(CART);
        assertThat(ids("{ kind = client } | max(duration) = 100ms")).containsExactly(PAY);
        assertThat(ids("{ name = \"charge\" } | sum(span.attempt) = 3")).containsExactly(PAY);
        assertThat(ids("{ } | min(span.http.response.status_code) >= 500")).containsExactly(CART);
    }

    @Test
    void aFilterStageNarrowsTheSpansBeforeAnAggregate() {
        assertThat(ids("{ } | { kind = client } | count() >= 3")).containsExactly(PAY);
    }

    @Test
    void resultsDescribeTheTraceAndItsMatchedSpans() {
        TraceSearchResult r = engine.search("{ kind = client } | select(span.attempt, status)", FROM, TO, 20, 2);
        TraceSearchResult.Trace pay = r.traces().get(1);
        assertThat(pay.traceId()).isEqualTo(PAY);
        assertThat(pay.rootServiceName()).isEqualTo("pay");
        assertThat(pay.rootTraceName()).isEqualTo("POST /pay");
        assertThat(pay.startNanos()).isEqualTo(BASE);
        assertThat(pay.durationNanos()).isEqualTo(2 * S);
        assertThat(pay.matched()).isEqualTo(3);
        assertThat(pay.spans()).hasSize(2);
        TraceSearchResult.MatchedSpan s = pay.spans().get(0);
        assertThat(s.name()).isEqualTo("charge");
        assertThat(s.durationNanos()).isEqualTo(100 * MS);
        assertThat(s.attributes().get("service.name")).isEqualTo("pay");
        assertThat(s.attributes().get("status")).isEqualTo("unset");
        assertThat(s.attributes().get("kind")).isEqualTo("client");
        assertThat(s.attributes().get("attempt")).isNotNull();
        assertThat(r.inspectedSpans()).as("only client spans come from the store").isEqualTo(4);
        assertThat(r.isPartial()).isFalse();
    }

    @Test
    void theTimeRangeLimitsWhichSpansAreSearched() {
        assertThat(engine.search("{}", BASE + 15 * S, TO, 20, 3).traces())
                .extracting(TraceSearchResult.Trace::traceId).containsExactly(CART);
        assertThat(engine.search("{}", BASE + 30 * S, TO, 20, 3).traces()).isEmpty();
    }

    @Test
    void tooManySpansStopTheSearchAndFlagItPartial() {
        TraceQueryEngine small = TraceQueryEngine.create(store, new TraceQueryConfig(60_000, 100, 10, 3));
        TraceSearchResult r = small.search("{}", FROM, TO, 20, 3);
        assertThat(r.isPartial()).isTrue();
        assertThat(r.inspectedSpans()).isEqualTo(3);
    }

    @Test
    void badArgumentsAreRejectedNamingTheLimit() {
        assertThatThrownBy(() -> engine.search("{}", FROM, TO, 0, 3)).isInstanceOf(QueryException.class)
                .hasMessageContaining("invalid limit 0: must be between 1 and 1000 (traces.query.max_limit)");
        assertThatThrownBy(() -> engine.search("{}", FROM, TO, 20, 101)).isInstanceOf(QueryException.class)
                .hasMessageContaining("(traces.query.max_spans_per_span_set)");
        assertThatThrownBy(() -> engine.search("{}", TO, FROM, 20, 3)).isInstanceOf(QueryException.class)
                .hasMessageContaining("is before start");
        assertThatThrownBy(() -> engine.search("{ .a = }", FROM, TO, 20, 3)).isInstanceOf(QueryException.class)
                .hasMessageContaining("position 8");
    }

    @Test
    void tagValuesComeFromTheStoreOrFromTheSpansAFilterMatches() {
        assertThat(engine.tagValues("resource.service.name", null, FROM, TO, 100))
                .extracting(TraceQueryEngine.TagValue::value).containsExactly("cart", "pay", "web");
        assertThat(engine.tagValues("resource.service.name", "{ status = error }", FROM, TO, 100))
                .extracting(TraceQueryEngine.TagValue::value).containsExactly("cart");
        assertThat(engine.tagValues(".http.route", "{ resource.service.name = \"web\" }", FROM, TO, 100))
                .containsExactly(new TraceQueryEngine.TagValue("string", "/home"));
        assertThat(engine.tagValues("span.http.response.status_code", "{ kind = server }", FROM, TO, 100))
                .extracting(TraceQueryEngine.TagValue::type).containsOnly("int");
        assertThat(engine.tagValues("status", null, FROM, TO, 100))
                .containsExactly(new TraceQueryEngine.TagValue("keyword", "unset"), new TraceQueryEngine.TagValue("keyword", "ok"),
                        new TraceQueryEngine.TagValue("keyword", "error"));
        assertThat(engine.tagValues("name", "{ kind = client }", FROM, TO, 100))
                .extracting(TraceQueryEngine.TagValue::value).containsExactly("SELECT", "charge");
        // A filter that does not parse is ignored, as Tempo does for autocomplete of a half-typed query.
        assertThat(engine.tagValues("resource.service.name", "{ resource.service.name = ", FROM, TO, 100)).hasSize(3);
        assertThat(engine.tagValues("resource.service.name", null, FROM, TO, 2)).hasSize(2);
    }

    @Test
    void structuralOperatorsFollowParentLinks() {
        assertThat(ids("{ name = \"POST /pay\" } > { name = \"charge\" }")).containsExactly(PAY);
        assertThat(engine.search("{ name = \"POST /pay\" } > { name = \"charge\" }", FROM, TO, 20, 5).traces()
                .getFirst()).satisfies(t -> {
                    assertThat(t.matched()).isEqualTo(3);
                    assertThat(t.spans()).extracting(TraceSearchResult.MatchedSpan::name).containsOnly("charge");
                });
        assertThat(ids("{ resource.service.name = \"web\" } >> { status = error }")).containsExactly(WEB);
        assertThat(ids("{ resource.service.name = \"cart\" } >> { status = error }")).isEmpty();
        assertThat(ids("{ kind = client } < { kind = server }")).containsExactly(CART, PAY);
        assertThat(ids("{ name = \"SELECT\" } << { }")).containsExactly(CART);
        assertThat(ids("{ name = \"charge\" } ~ { name = \"charge\" }")).containsExactly(PAY);
        assertThat(ids("{ kind = server } !> { kind = client }")).isEmpty();
        assertThat(ids("{ kind = client } !< { kind = server }")).containsExactly(WEB);
        assertThat(ids("{ name = \"charge\" } !~ { kind = client }")).containsExactly(CART);
        assertThat(ids("{ } !>> { status = error }")).containsExactly(CART);
        assertThat(ids("{ name = \"POST /pay\" } > { name = \"charge\" } && { duration > 1s }")).containsExactly(PAY);
        assertThat(ids("{ } > { } | count() > 2")).containsExactly(PAY);
    }

    /** Traces whose one span holds {@code attrs}; one in a segment (postings), one in the head. */
    private void writeNumbers(String segmentTrace, Attributes inSegment, String headTrace, Attributes inHead) {
        SpanAppender a = store.appender();
        a.append(span(segmentTrace, "d000000000000001", "", "num", "n", io.sightline.storage.model.Span.KIND_SERVER,
                30 * S, 30 * S + MS, io.sightline.storage.model.Span.STATUS_UNSET, inSegment));
        a.commit();
        store.cutSegment();
        a.append(span(headTrace, "e000000000000001", "", "num", "n", io.sightline.storage.model.Span.KIND_SERVER,
                31 * S, 31 * S + MS, io.sightline.storage.model.Span.STATUS_UNSET, inHead));
        a.commit();
    }

    @Test
    void anIntLiteralEqualsAFloatAttributeOfTheSameValueAndTheOtherWayRound() {
        String floats = "44444444444444444444444444444444";
        String ints = "55555555555555555555555555555555";
        // http.response.status_code has postings (indexed by default), retry.count has none.
        writeNumbers(floats, Attributes.builder().putDouble("http.response.status_code", 500.0).putDouble("retry.count", 3.0).build(),
                ints, Attributes.builder().putLong("http.response.status_code", 500).putLong("retry.count", 3).build());
        assertThat(ids("{ span.http.response.status_code = 500 && resource.service.name = \"num\" }"))
                .containsExactly(ints, floats);
        assertThat(ids("{ span.http.response.status_code = 500.0 && resource.service.name = \"num\" }"))
                .containsExactly(ints, floats);
        assertThat(ids("{ span.retry.count = 3 }")).containsExactly(ints, floats);
        assertThat(ids("{ span.retry.count = 3.0 }")).containsExactly(ints, floats);
        assertThat(ids("{ span.retry.count = 3 && span.http.response.status_code = 500 }")).containsExactly(ints, floats);
        assertThat(ids("{ span.retry.count = 3.5 }")).isEmpty();
        assertThat(ids("{ span.http.response.status_code = 500 }")).containsExactly(ints, floats, CART);
    }

    @Test
    void tagValuesWithoutAFilterAreTypedFromTheStoredAttribute() {
        String a = "66666666666666666666666666666666";
        String b = "77777777777777777777777777777777";
        writeNumbers(a, Attributes.builder().putString("code", "200").putDouble("ratio", 1.0).putString("flag", "true").build(),
                b, Attributes.builder().putLong("code", 7).putString("ratio", "2.5").putBool("flag", false).build());
        assertThat(engine.tagValues("span.code", null, FROM, TO, 100)).containsExactly(
                new TraceQueryEngine.TagValue("string", "200"), new TraceQueryEngine.TagValue("int", "7"));
        assertThat(engine.tagValues(".ratio", null, FROM, TO, 100)).containsExactly(
                new TraceQueryEngine.TagValue("float", "1.0"), new TraceQueryEngine.TagValue("string", "2.5"));
        assertThat(engine.tagValues("span.flag", null, FROM, TO, 100)).containsExactly(
                new TraceQueryEngine.TagValue("bool", "false"), new TraceQueryEngine.TagValue("string", "true"));
    }

    @Test
    void aLimitedSearchReadsTheNewestWindowsOnlyAndStillFindsTheNewestTraces() {
        SpanAppender a = store.appender();
        long now = System.currentTimeMillis() * MS;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) { // one trace a minute over the last half hour, newest last
            String id = String.format("%032x", 0xabc000 + i);
            ids.add(id);
            a.append(TraceFixtures.span(id, "d00000000000000" + (i % 10), "", "batch", "job", 1,
                    now - (30 - i) * 60 * S - BASE, now - (30 - i) * 60 * S - BASE + MS, 0, Attributes.EMPTY));
        }
        a.commit();
        long hourAgo = now - 3_600 * S;
        TraceSearchResult newest = engine.search("{ resource.service.name = \"batch\" }", hourAgo, now, 5, 3);
        assertThat(newest.traces()).extracting(TraceSearchResult.Trace::traceId)
                .containsExactlyElementsOf(ids.subList(25, 30).reversed());
        assertThat(newest.inspectedSpans()).as("read a few minutes, not the half hour").isLessThan(30);
        TraceSearchResult all = engine.search("{ resource.service.name = \"batch\" } | count() > 0", hourAgo, now, 5, 3);
        assertThat(all.traces()).extracting(TraceSearchResult.Trace::traceId)
                .containsExactlyElementsOf(ids.subList(25, 30).reversed());
        assertThat(all.inspectedTraces()).as("stops naming traces once the newest windows hold the limit").isLessThan(30);
    }

    @Test
    void traceLevelAndSeesSpansFarApartInTime() {
        SpanAppender a = store.appender();
        String id = "feed0000000000000000000000000001";
        a.append(TraceFixtures.span(id, "e000000000000001", "", "long", "first", 2, -20 * 60 * S, -20 * 60 * S + MS, 0, Attributes.EMPTY));
        a.append(TraceFixtures.span(id, "e000000000000002", "e000000000000001", "long", "last", 3, 50 * S, 51 * S, 2, Attributes.EMPTY));
        a.commit();
        TraceSearchResult r = engine.search("{ name = \"last\" && status = error } && { name = \"first\" } | count() = 2",
                BASE - 3_600 * S, TO, 20, 3);
        assertThat(r.traces()).extracting(TraceSearchResult.Trace::traceId).containsExactly(id);
        assertThat(r.traces().get(0).matched()).isEqualTo(2);
        assertThat(r.traces().get(0).durationNanos()).isEqualTo(20 * 60 * S + 51 * S);
    }

    @Test
    void aSearchNamingTooManyTracesReadsWindowsAndConfirmsTheNewestWhole() {
        SpanAppender a = store.appender();
        int n = SearchRun.MAX_LOOKUPS + 10;
        for (int i = 0; i < n; i++) {
            String id = String.format("%032x", 0x5000000L + i);
            a.append(TraceFixtures.span(id, "f000000000000001", "", "many", "op", 2, 30 * S + i * MS, 30 * S + i * MS + 2 * MS,
                    0, Attributes.EMPTY));
        }
        // The newest trace has a second span twenty minutes earlier, outside the first window read: on the spans
        // of that window it has count() = 1, whole it has 2, so it must not be returned.
        String newest = String.format("%032x", 0x5000000L + n - 1);
        a.append(TraceFixtures.span(newest, "f000000000000002", "f000000000000001", "many", "early", 3, -20 * 60 * S,
                -20 * 60 * S + MS, 0, Attributes.EMPTY));
        a.commit();
        TraceSearchResult r = engine.search("{ resource.service.name = \"many\" } | count() = 1", BASE - 3_600 * S, TO, 5, 3);
        assertThat(r.traces()).extracting(TraceSearchResult.Trace::traceId).containsExactly(
                String.format("%032x", 0x5000000L + n - 2), String.format("%032x", 0x5000000L + n - 3),
                String.format("%032x", 0x5000000L + n - 4), String.format("%032x", 0x5000000L + n - 5),
                String.format("%032x", 0x5000000L + n - 6));
        assertThat(r.inspectedTraces()).as("one window named them all").isEqualTo(n);
        TraceSearchResult two = engine.search("{ resource.service.name = \"many\" } | count() = 2", BASE - 3_600 * S, TO, 5, 3);
        assertThat(two.traces()).extracting(TraceSearchResult.Trace::traceId).containsExactly(newest);
    }
}
