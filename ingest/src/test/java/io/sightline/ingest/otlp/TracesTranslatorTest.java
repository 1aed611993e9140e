package io.sightline.ingest.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import io.sightline.storage.model.SpanEvent;
import io.sightline.storage.model.SpanLink;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.sightline.ingest.otlp.Otlp.T0_NANOS;
import static io.sightline.ingest.otlp.Otlp.attr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class TracesTranslatorTest {
    static final String TRACE = "5b8efff798038103d269b633813fc60c";
    static final String SPAN = "eee19b7ec3c1b174";
    static final String PARENT = "eee19b7ec3c1b173";

    private final TracesTranslator translator = new TracesTranslator();

    static ByteString id(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }

    /** A valid server span; tests break one field at a time. */
    static io.opentelemetry.proto.trace.v1.Span.Builder span() {
        return io.opentelemetry.proto.trace.v1.Span.newBuilder()
                .setTraceId(id(TRACE)).setSpanId(id(SPAN)).setParentSpanId(id(PARENT))
                .setName("GET /cart").setKindValue(2)
                .setStartTimeUnixNano(T0_NANOS).setEndTimeUnixNano(T0_NANOS + 250_000_000L);
    }

    static ExportTraceServiceRequest request(io.opentelemetry.proto.trace.v1.Span... spans) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Otlp.resource(attr("service.name", "checkout"), attr("host.name", "h1")))
                .addScopeSpans(ScopeSpans.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.tomcat").setVersion("2.1"))
                        .addAllSpans(List.of(spans)))).build();
    }

    private List<Span> translate(ExportTraceServiceRequest req, TracesTranslator.Result[] result) {
        List<Span> out = new ArrayList<>();
        result[0] = translator.translate(req, out::add);
        return out;
    }

    /** A span with every field set: each attribute type, an event, a link, state and status. */
    static io.opentelemetry.proto.trace.v1.Span everyField() {
        AnyValue array = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setStringValue("a")).addValues(AnyValue.newBuilder().setIntValue(2))).build();
        AnyValue kvlist = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                .addValues(KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder().setBoolValue(true)))).build();
        return span()
                .setTraceState("vendor=x")
                .setStatus(Status.newBuilder().setCodeValue(2).setMessage("payment declined"))
                .addAttributes(attr("http.route", "/cart"))
                .addAttributes(attr("http.response.status_code", AnyValue.newBuilder().setIntValue(502).build()))
                .addAttributes(attr("sampled", AnyValue.newBuilder().setBoolValue(true).build()))
                .addAttributes(attr("ratio", AnyValue.newBuilder().setDoubleValue(0.25).build()))
                .addAttributes(attr("blob", AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("hi")).build()))
                .addAttributes(attr("tags", array))
                .addAttributes(attr("map", kvlist))
                .addAttributes(attr("nothing", AnyValue.getDefaultInstance()))
                .addEvents(io.opentelemetry.proto.trace.v1.Span.Event.newBuilder().setTimeUnixNano(T0_NANOS + 5)
                        .setName("exception").addAttributes(attr("exception.type", "IOException")))
                .addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder().setTraceId(id("0af7651916cd43dd8448eb211c80319c"))
                        .setSpanId(id("b7ad6b7169203331")).setTraceState("t=1").addAttributes(attr("link.kind", "follows")))
                .build();
    }

    @Test
    void everyFieldOfASpanArrivesWithHexIdsTypedAttributesEventsLinksAndScope() {
        io.opentelemetry.proto.trace.v1.Span s = everyField();
        TracesTranslator.Result[] r = new TracesTranslator.Result[1];
        List<Span> got = translate(request(s), r);

        assertThat(r[0]).isEqualTo(new TracesTranslator.Result(1, 0, null));
        assertThat(r[0].toResponse()).isEqualTo(ExportTraceServiceResponse.getDefaultInstance());
        assertThat(got).hasSize(1);
        Span span = got.getFirst();
        assertThat(span.traceId()).isEqualTo(TRACE);
        assertThat(span.spanId()).isEqualTo(SPAN);
        assertThat(span.parentSpanId()).isEqualTo(PARENT);
        assertThat(span.traceState()).isEqualTo("vendor=x");
        assertThat(span.name()).isEqualTo("GET /cart");
        assertThat(span.kind()).isEqualTo(Span.KIND_SERVER);
        assertThat(span.startNanos()).isEqualTo(T0_NANOS);
        assertThat(span.endNanos()).isEqualTo(T0_NANOS + 250_000_000L);
        assertThat(span.statusCode()).isEqualTo(Span.STATUS_ERROR);
        assertThat(span.statusMessage()).isEqualTo("payment declined");
        assertThat(span.scopeName()).isEqualTo("io.opentelemetry.tomcat");
        assertThat(span.scopeVersion()).isEqualTo("2.1");
        assertThat(span.resource()).isEqualTo(Attributes.ofStrings("service.name", "checkout", "host.name", "h1"));
        assertThat(span.service()).isEqualTo("checkout");

        Attributes a = span.attributes();
        assertThat(a.size()).as("the empty value is dropped").isEqualTo(7);
        assertThat(a.type(a.indexOf("http.route"))).isEqualTo(Attributes.Type.STRING);
        assertThat(a.type(a.indexOf("http.response.status_code"))).isEqualTo(Attributes.Type.INT);
        assertThat(a.longValue(a.indexOf("http.response.status_code"))).isEqualTo(502);
        assertThat(a.type(a.indexOf("sampled"))).isEqualTo(Attributes.Type.BOOL);
        assertThat(a.boolValue(a.indexOf("sampled"))).isTrue();
        assertThat(a.type(a.indexOf("ratio"))).isEqualTo(Attributes.Type.DOUBLE);
        assertThat(a.doubleValue(a.indexOf("ratio"))).isEqualTo(0.25);
        assertThat(a.type(a.indexOf("blob"))).isEqualTo(Attributes.Type.BYTES);
        assertThat(a.text(a.indexOf("blob"))).isEqualTo("aGk=");
        assertThat(a.type(a.indexOf("tags"))).isEqualTo(Attributes.Type.ARRAY);
        assertThat(a.text(a.indexOf("tags"))).isEqualTo("{\"arrayValue\":{\"values\":[{\"stringValue\":\"a\"},{\"intValue\":\"2\"}]}}");
        assertThat(a.type(a.indexOf("map"))).isEqualTo(Attributes.Type.KVLIST);
        assertThat(a.text(a.indexOf("map"))).isEqualTo("{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":{\"boolValue\":true}}]}}");

        assertThat(span.events()).containsExactly(new SpanEvent(T0_NANOS + 5, "exception", Attributes.ofStrings("exception.type", "IOException")));
        assertThat(span.links()).containsExactly(new SpanLink("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "t=1",
                Attributes.ofStrings("link.kind", "follows")));
    }

    @Test
    void aRootSpanHasAnEmptyParentAndSoDoesAnAllZeroParent() {
        TracesTranslator.Result[] r = new TracesTranslator.Result[1];
        List<Span> got = translate(request(span().clearParentSpanId().build(),
                span().setSpanId(id("00000000000000aa")).setParentSpanId(id("0000000000000000")).build()), r);
        assertThat(r[0].rejected()).isZero();
        assertThat(got).extracting(Span::parentSpanId).containsExactly("", "");
        assertThat(got).allMatch(Span::isRoot);
    }

    static Stream<Arguments> badSpans() {
        return Stream.of(
                argumentSet("empty trace id", (UnaryOperator<io.opentelemetry.proto.trace.v1.Span.Builder>) b -> b.clearTraceId(),
                        "trace_id must be 16 bytes, got 0"),
                argumentSet("short trace id", (UnaryOperator<io.opentelemetry.proto.trace.v1.Span.Builder>) b -> b.setTraceId(id("0102")),
                        "trace_id must be 16 bytes, got 2"),
                argumentSet("all-zero trace id", (UnaryOperator<io.opentelemetry.proto.trace.v1.Span.Builder>) b ->
                        b.setTraceId(ByteString.copyFrom(new byte[16])), "trace_id must not be all zeros"),
                argumentSet("long span id", (UnaryOperator<io.opentelemetry.proto.trace.v1.Span.Builder>) b ->
                        b.setSpanId(id("010203040506070809")), "span_id must be 8 bytes, got 9"),
                argumentSet("all-zero span id", (UnaryOperator<io.opentelemetry.proto.trace.v1.Span.Builder>) b ->
                        b.setSpanId(ByteString.copyFrom(new byte[8])), "span_id must not be all zeros"),
                argumentSet("short parent id", (UnaryOperator<io.opentelemetry.proto.trace.v1.Span.Builder>) b ->
                        b.setParentSpanId(id("0102")), "parent_span_id must be empty or 8 bytes, got 2"),
                argumentSet("missing start", (UnaryOperator<io.opentelemetry.proto.trace.v1.Span.Builder>) b ->
                        b.setStartTimeUnixNano(0), "start_time_unix_nano is missing (0)"),
                argumentSet("end before start", (UnaryOperator<io.opentelemetry.proto.trace.v1.Span.Builder>) b ->
                        b.setEndTimeUnixNano(T0_NANOS - 1), "end_time_unix_nano " + (T0_NANOS - 1) + " is before start_time_unix_nano " + T0_NANOS),
                argumentSet("unknown kind", (UnaryOperator<io.opentelemetry.proto.trace.v1.Span.Builder>) b -> b.setKindValue(9),
                        "kind 9 is not an OTLP SpanKind (0..5)"),
                argumentSet("unknown status", (UnaryOperator<io.opentelemetry.proto.trace.v1.Span.Builder>) b ->
                        b.setStatus(Status.newBuilder().setCodeValue(7)), "status code 7 is not an OTLP StatusCode (0..2)"),
                argumentSet("link with a zero trace id", (UnaryOperator<io.opentelemetry.proto.trace.v1.Span.Builder>) b ->
                        b.addLinks(io.opentelemetry.proto.trace.v1.Span.Link.newBuilder().setTraceId(ByteString.copyFrom(new byte[16]))
                                .setSpanId(id(SPAN))), "link trace_id must not be all zeros"));
    }

    @ParameterizedTest
    @MethodSource("badSpans")
    void aBadSpanIsRejectedAloneWithItsReasonAndTheRestIsKept(UnaryOperator<io.opentelemetry.proto.trace.v1.Span.Builder> breakIt,
                                                            String reason) {
        io.opentelemetry.proto.trace.v1.Span bad = breakIt.apply(span().setName("bad one")).build();
        TracesTranslator.Result[] r = new TracesTranslator.Result[1];
        List<Span> got = translate(request(span().build(), bad, span().setSpanId(id("00000000000000bb")).build()), r);
        assertThat(got).extracting(Span::spanId).containsExactly(SPAN, "00000000000000bb");
        assertThat(r[0].accepted()).isEqualTo(2);
        assertThat(r[0].rejected()).isEqualTo(1);
        assertThat(r[0].message()).startsWith("span \"bad one\"").endsWith(reason);
        ExportTraceServiceResponse response = r[0].toResponse();
        assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
        assertThat(response.getPartialSuccess().getErrorMessage()).isEqualTo(r[0].message());
    }

    @Test
    void severalBadSpansReportTheFirstAndHowManyMore() {
        TracesTranslator.Result[] r = new TracesTranslator.Result[1];
        List<Span> got = translate(request(span().clearSpanId().setName("a").build(), span().setKindValue(8).setName("b").build(),
                span().clearTraceId().setName("c").build()), r);
        assertThat(got).isEmpty();
        assertThat(r[0].rejected()).isEqualTo(3);
        assertThat(r[0].message()).isEqualTo("span \"a\" (trace " + TRACE + "): span_id must be 8 bytes, got 0 (and 2 more rejected spans)");
    }

    @Test
    void spansOfSeveralResourcesAndScopesKeepTheirOwnResourceAndScope() {
        ExportTraceServiceRequest req = ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().setResource(Otlp.resource(attr("service.name", "a")))
                        .addScopeSpans(ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("s1")).addSpans(span()))
                        .addScopeSpans(ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("s2")).addSpans(span())))
                .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(span())))
                .build();
        TracesTranslator.Result[] r = new TracesTranslator.Result[1];
        List<Span> got = translate(req, r);
        assertThat(got).extracting(Span::service).containsExactly("a", "a", "");
        assertThat(got).extracting(Span::scopeName).containsExactly("s1", "s2", "");
        assertThat(got.get(2).resource().isEmpty()).isTrue();
    }
}
