package io.sightline.query.traceql;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.query.QueryException;
import io.sightline.query.TraceMetricsResult;
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

    @Test
    void byAndCoalesceSplitAndJoinTheSpansets() {
        List<TraceSearchResult.Trace> traces = engine.search("{ } | by(resource.service.name)", FROM, TO, 20, 3).traces();
        TraceSearchResult.Trace web = traces.stream().filter(t -> t.traceId().equals(WEB)).findFirst().orElseThrow();
        assertThat(web.spanSets()).extracting(s -> s.attributes().get("by(resource.service.name)") + ":" + s.matched())
                .containsExactlyInAnyOrder("web:1", "cart:1");
        TraceSearchResult.Trace pay = traces.stream().filter(t -> t.traceId().equals(PAY)).findFirst().orElseThrow();
        assertThat(pay.spanSets()).singleElement().satisfies(s -> {
            assertThat(s.matched()).isEqualTo(4);
            assertThat(s.spans()).hasSize(3);
        });
        assertThat(engine.search("{ } | by(resource.service.name) | coalesce()", FROM, TO, 20, 3).traces())
                .allSatisfy(t -> assertThat(t.spanSets()).isEmpty());
        assertThat(engine.search("{ status = error } | by(status)", FROM, TO, 20, 3).traces())
                .flatExtracting(TraceSearchResult.Trace::spanSets)
                .extracting(s -> s.attributes().get("by(status)")).containsOnly("error");
    }

    @Test
    void unionStructuralOperatorsReturnBothEnds() {
        TraceSearchResult r = engine.search("{ kind = server } &> { name = \"charge\" }", FROM, TO, 20, 10);
        assertThat(r.traces()).extracting(TraceSearchResult.Trace::traceId).containsExactly(PAY);
        assertThat(r.traces().getFirst().matched()).isEqualTo(4);
        assertThat(r.traces().getFirst().spans()).extracting(TraceSearchResult.MatchedSpan::name)
                .containsExactlyInAnyOrder("POST /pay", "charge", "charge", "charge");
        // Grafana Traces Drilldown's structure tab.
        assertThat(ids("({ status = error } &>> { status = error }) || ({ status = error })")).containsExactly(CART, WEB);
        assertThat(ids("{ status = error } &>> { status = error }")).isEmpty();
        assertThat(engine.search("{ status = error } &>> { }", FROM, TO, 20, 10).traces())
                .singleElement().satisfies(t -> {
                    assertThat(t.traceId()).isEqualTo(CART);
                    assertThat(t.spans()).extracting(TraceSearchResult.MatchedSpan::name)
                            .containsExactlyInAnyOrder("GET /cart", "SELECT");
                });
        assertThat(engine.search("{ resource.service.name = \"web\" } &>> { status = error }", FROM, TO, 20, 10)
                .traces().getFirst().matched()).isEqualTo(2);
    }

    /** Service "m": five spans in the first minute of {@code t0}, two in the second; t0 is one second past a minute. */
    private long writeMetricsSpans() {
        long t0 = Math.floorDiv(BASE, 60 * S) * 60 * S + S;
        SpanAppender a = store.appender();
        long[][] spans = {{0, 100, 'a'}, {1, 200, 'a'}, {2, 300, 'a'}, {3, 400, 'b'}, {4, 1000, 'b'}, {61, 50, 'b'}, {62, 150, 'b'}};
        for (int i = 0; i < spans.length; i++) {
            long start = t0 + spans[i][0] * S;
            a.append(new io.sightline.storage.model.Span(String.format("%032x", 0xf00L + i), "f00000000000000" + i, "", "",
                    "op", io.sightline.storage.model.Span.KIND_SERVER, start, start + spans[i][1] * MS,
                    io.sightline.storage.model.Span.STATUS_UNSET, "",
                    Attributes.ofStrings("route", String.valueOf((char) spans[i][2])), Attributes.ofStrings("service.name", "m"),
                    "t", "1", List.of(), List.of()));
        }
        a.commit();
        return t0;
    }

    private List<TraceMetricsResult.Series> series(String q, long t0) {
        return engine.queryRange(q, t0, t0 + 119 * S, 60 * S).series();
    }

    private static List<Double> values(TraceMetricsResult.Series s) {
        return java.util.Arrays.stream(s.values()).boxed().toList();
    }

    @Test
    void metricsQueriesCountRateAndAggregateSpansPerStepInterval() {
        long t0 = writeMetricsSpans();
        String m = "{ resource.service.name = \"m\" }";
        List<TraceMetricsResult.Series> count = series(m + " | count_over_time()", t0);
        assertThat(count).hasSize(1);
        assertThat(count.getFirst().timestampsMs()).containsExactly((t0 - S) / MS, (t0 + 59 * S) / MS, (t0 + 119 * S) / MS);
        assertThat(values(count.getFirst())).containsExactly(5.0, 2.0, 0.0);
        assertThat(values(series(m + " | rate() with(sample=true)", t0).getFirst())).containsExactly(5 / 60.0, 2 / 60.0, 0.0);

        List<TraceMetricsResult.Series> byRoute = series(m + " | count_over_time() by (span.route)", t0);
        assertThat(byRoute).extracting(s -> s.labels().get("span.route")).containsExactly("a", "b");
        assertThat(values(byRoute.get(0))).containsExactly(3.0, 0.0, 0.0);
        assertThat(values(byRoute.get(1))).containsExactly(2.0, 2.0, 0.0);

        List<TraceMetricsResult.Series> q = series(m + " | quantile_over_time(duration, 0.5, 1)", t0);
        assertThat(q).extracting(s -> s.labels().get("p")).containsExactly("0.5", "1.0");
        assertThat(values(q.get(0))).containsExactly(0.3, 0.1);
        assertThat(values(q.get(1))).containsExactly(1.0, 0.15);
        assertThat(values(series(m + " | avg_over_time(duration)", t0).getFirst())).containsExactly(0.4, 0.1);
        assertThat(values(series(m + " | max_over_time(duration) by (resource.service.name)", t0).getFirst()))
                .containsExactly(1.0, 0.15);

        List<TraceMetricsResult.Series> h = series(m + " | histogram_over_time(duration)", t0);
        assertThat(h).extracting(s -> s.labels().get("__bucket")).containsExactly("0.0625", "0.125", "0.25", "0.5", "1.0");
        assertThat(h.stream().mapToDouble(s -> java.util.Arrays.stream(s.values()).sum()).sum()).isEqualTo(7.0);
    }

    @Test
    void anInstantMetricsQueryIsOneUnalignedIntervalOverTheRange() {
        long t0 = writeMetricsSpans();
        String m = "{ resource.service.name = \"m\" }";
        List<TraceMetricsResult.Series> byRoute = engine.queryInstant(m + " | count_over_time() by (span.route)",
                t0, t0 + 119 * S).series();
        assertThat(byRoute).extracting(s -> s.labels().get("span.route") + "=" + s.values()[0]).containsExactly("a=3.0", "b=4.0");
        assertThat(byRoute.getFirst().timestampsMs()).containsExactly(t0 / MS);
        assertThat(engine.queryInstant(m + " | rate()", t0, t0 + 120 * S - 1).series().getFirst().values())
                .containsExactly(7 / 120.0);
        assertThat(engine.queryInstant(m + " | rate()", t0 + S, t0 + 121 * S - 1).series().getFirst().values())
                .as("the span at t0 is outside").containsExactly(6 / 120.0);
    }

    @Test
    void metricsQueriesRefuseWhatTheyCannotAnswerNamingIt() {
        assertThatThrownBy(() -> engine.search("{ } | rate()", FROM, TO, 20, 3)).isInstanceOf(QueryException.class)
                .hasMessageContaining("/api/metrics/query_range");
        assertThatThrownBy(() -> engine.queryRange("{ }", FROM, TO, S)).isInstanceOf(QueryException.class)
                .hasMessageContaining("not a TraceQL metrics query");
        assertThatThrownBy(() -> engine.queryRange("{ .a = 1 } && { .b = 2 } | rate()", FROM, TO, S))
                .isInstanceOf(QueryException.class).hasMessageContaining("joined by || only");
        assertThatThrownBy(() -> engine.queryRange("{ } | rate()", FROM, FROM + 20_000 * S, S))
                .isInstanceOf(QueryException.class).hasMessageContaining("more than 11000");
        assertThatThrownBy(() -> engine.queryRange("{ } | rate() | topk(2)", FROM, TO, S))
                .isInstanceOf(QueryException.class).hasMessageContaining("topk()");
        assertThatThrownBy(() -> engine.queryRange("{ } | quantile_over_time(duration, 2)", FROM, TO, S))
                .isInstanceOf(QueryException.class).hasMessageContaining("between 0 and 1");
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
