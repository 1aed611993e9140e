package io.sightline.query.traceql;

import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** TraceQL's span-level semantics over in-test spans: types, missing attributes, scopes, regexes, intrinsics. */
class SpanMatcherTest {
    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final Span ROOT = span("b7ad6b7169203331", "", "GET /cart", Span.KIND_SERVER, 0, 900_000_000L,
            Span.STATUS_ERROR, Attributes.builder().putString("http.route", "/cart").putLong("http.response.status_code", 503)
                    .putDouble("ratio", 0.25).putBool("cached", false).putString("region", "span-eu").build());
    private static final Span CHILD = span("00f067aa0ba902b7", "b7ad6b7169203331", "SELECT", Span.KIND_CLIENT,
            100_000_000L, 150_000_000L, Span.STATUS_UNSET, Attributes.builder().putString("db.system", "postgresql")
                    .putString("http.response.status_code", "503").build());

    private static Span span(String id, String parent, String name, int kind, long start, long end, int status, Attributes attrs) {
        return new Span(TRACE, id, parent, "", name, kind, 1_700_000_000_000_000_000L + start, 1_700_000_000_000_000_000L + end,
                status, status == Span.STATUS_ERROR ? "upstream failed" : "", attrs,
                Attributes.ofStrings("service.name", "cart", "region", "eu-west-1"), "", "", List.of(), List.of());
    }

    private final SpanMatcher matcher = new SpanMatcher(Map.of(TRACE, TraceInfo.of(List.of(ROOT, CHILD)))::get);

    private boolean matches(String query, Span s) {
        return matcher.matches(Parser.parse(query).filters().get(0).expr(), s);
    }

    @Test
    void emptyAndTrueFiltersMatchEverySpan() {
        assertThat(matches("{}", ROOT)).isTrue();
        assertThat(matches("{ true }", CHILD)).isTrue();
        assertThat(matches("{ false }", CHILD)).isFalse();
    }

    @Test
    void intrinsicsCompareWithTheirOwnTypes() {
        assertThat(matches("{ name = \"GET /cart\" }", ROOT)).isTrue();
        assertThat(matches("{ status = error }", ROOT)).isTrue();
        assertThat(matches("{ status = error }", CHILD)).isFalse();
        assertThat(matches("{ status != error }", CHILD)).isTrue();
        assertThat(matches("{ kind = client }", CHILD)).isTrue();
        assertThat(matches("{ duration > 800ms }", ROOT)).isTrue();
        assertThat(matches("{ duration > 800ms }", CHILD)).isFalse();
        assertThat(matches("{ duration = 50ms }", CHILD)).isTrue();
        assertThat(matches("{ statusMessage = \"upstream failed\" }", ROOT)).isTrue();
        assertThat(matches("{ span:id = \"00f067aa0ba902b7\" }", CHILD)).isTrue();
    }

    @Test
    void traceLevelIntrinsicsComeFromTheWholeTrace() {
        assertThat(matches("{ rootName = \"GET /cart\" }", CHILD)).isTrue();
        assertThat(matches("{ rootServiceName = \"cart\" && kind = client }", CHILD)).isTrue();
        assertThat(matches("{ traceDuration = 900ms }", CHILD)).isTrue();
        assertThat(matches("{ traceDuration > 1s }", CHILD)).isFalse();
    }

    @Test
    void numbersCompareAcrossIntFloatAndDuration() {
        assertThat(matches("{ span.http.response.status_code >= 500 }", ROOT)).isTrue();
        assertThat(matches("{ span.http.response.status_code = 503.0 }", ROOT)).isTrue();
        assertThat(matches("{ .ratio < 0.5 }", ROOT)).isTrue();
        assertThat(matches("{ .ratio > 0.25 }", ROOT)).isFalse();
    }

    @Test
    void valuesOfDifferentTypesAreNeverEqual() {
        // CHILD holds the status code as the string "503": a number does not match it, a string does.
        assertThat(matches("{ .http.response.status_code = 503 }", CHILD)).isFalse();
        assertThat(matches("{ .http.response.status_code = \"503\" }", CHILD)).isTrue();
        assertThat(matches("{ .http.response.status_code != 503 }", CHILD)).isFalse();
        assertThat(matches("{ .cached = false }", ROOT)).isTrue();
        assertThat(matches("{ .cached = \"false\" }", ROOT)).isFalse();
    }

    @Test
    void aMissingAttributeSatisfiesNoComparisonNotEvenNotEqual() {
        assertThat(matches("{ .db.system = \"postgresql\" }", ROOT)).isFalse();
        assertThat(matches("{ .db.system != \"postgresql\" }", ROOT)).isFalse();
        assertThat(matches("{ !(.db.system = \"postgresql\") }", ROOT)).isTrue();
    }

    @Test
    void unscopedAttributesLookAtTheSpanThenTheResource() {
        assertThat(matches("{ .region = \"span-eu\" }", ROOT)).isTrue();
        assertThat(matches("{ .region = \"eu-west-1\" }", CHILD)).isTrue();
        assertThat(matches("{ .region = \"eu-west-1\" }", ROOT)).isFalse();
        assertThat(matches("{ resource.region = \"eu-west-1\" }", ROOT)).isTrue();
        assertThat(matches("{ span.region = \"eu-west-1\" }", CHILD)).isFalse();
        assertThat(matches("{ resource.service.name = \"cart\" }", CHILD)).isTrue();
    }

    @Test
    void regexesMustMatchTheWholeValue() {
        assertThat(matches("{ name =~ \"GET.*\" }", ROOT)).isTrue();
        assertThat(matches("{ name =~ \"GET\" }", ROOT)).isFalse();
        assertThat(matches("{ name !~ \"GET\" }", ROOT)).isTrue();
        assertThat(matches("{ .db.system =~ \"post.*|mysql\" }", CHILD)).isTrue();
        assertThat(matches("{ .ratio =~ \"0.*\" }", ROOT)).isFalse();
    }

    @Test
    void logicalOperatorsAndParenthesesCombineConditions() {
        assertThat(matches("{ kind = server && status = error }", ROOT)).isTrue();
        assertThat(matches("{ kind = server && status = ok }", ROOT)).isFalse();
        assertThat(matches("{ kind = client || status = error }", ROOT)).isTrue();
        assertThat(matches("{ (kind = client || status = error) && name = \"SELECT\" }", ROOT)).isFalse();
        assertThat(matches("{ kind = client || status = error && name = \"SELECT\" }", CHILD)).isTrue();
    }

    @Test
    void stringsCompareInByteOrder() {
        assertThat(matches("{ name > \"A\" && name < \"H\" }", ROOT)).isTrue();
        assertThat(matches("{ name >= \"SELECT\" }", CHILD)).isTrue();
    }

    @Test
    void nilAsksWhetherAnAttributeIsPresent() {
        assertThat(matches("{ .db.system != nil }", CHILD)).isTrue();
        assertThat(matches("{ .db.system != nil }", ROOT)).isFalse();
        assertThat(matches("{ .db.system = nil }", ROOT)).isTrue();
        assertThat(matches("{ name = nil }", ROOT)).isFalse();
    }

    @Test
    void nestedSetParentBelowZeroMeansTheRootSpan() {
        assertThat(matches("{ nestedSetParent < 0 && true }", ROOT)).isTrue();
        assertThat(matches("{ nestedSetParent < 0 }", CHILD)).isFalse();
        assertThat(matches("{ nestedSetParent >= 0 }", CHILD)).isTrue();
    }
}
