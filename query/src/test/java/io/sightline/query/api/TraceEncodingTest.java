package io.sightline.query.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.trace.v1.TracesData;
import io.sightline.query.QueryException;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import io.sightline.storage.model.SpanEvent;
import io.sightline.storage.model.SpanLink;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A trace as OTLP protobuf (Tempo's v1 and v2 bodies) and as OTLP JSON, and trace id parsing. */
class TraceEncodingTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final Attributes API = Attributes.ofStrings("service.name", "api");
    private static final Attributes DB = Attributes.ofStrings("service.name", "db");
    private static final List<Span> SPANS = List.of(
            span("00f067aa0ba902b7", "", API, "lib-a", Attributes.builder().putLong("n", 7).putDouble("r", 0.5)
                    .putBool("b", true).putText("arr", Attributes.Type.ARRAY, "{\"arrayValue\":{\"values\":[{\"stringValue\":\"x\"}]}}").build()),
            span("b7ad6b7169203331", "00f067aa0ba902b7", API, "lib-b", Attributes.ofStrings("k", "v")),
            span("c7ad6b7169203331", "00f067aa0ba902b7", DB, "lib-a", Attributes.EMPTY));

    private static Span span(String id, String parent, Attributes resource, String scope, Attributes attrs) {
        return new Span(TRACE, id, parent, "", "op-" + id.substring(0, 4), Span.KIND_SERVER, 1_000, 2_500, Span.STATUS_ERROR,
                "boom", attrs, resource, scope, "1.0", List.of(new SpanEvent(1_200, "exception", Attributes.ofStrings("exception.type", "E"))),
                List.of(new SpanLink("0af7651916cd43dd8448eb211c80319c", "1111111111111111", "", Attributes.EMPTY)));
    }

    @Test
    void protobufGroupsSpansByResourceAndScopeWithBinaryIds() throws Exception {
        TracesData data = TracesData.parseFrom(TraceProto.tracesData(SPANS));
        assertThat(data.getResourceSpansCount()).isEqualTo(2);
        var api = data.getResourceSpans(0);
        assertThat(api.getResource().getAttributes(0).getValue().getStringValue()).isEqualTo("api");
        assertThat(api.getScopeSpansList()).extracting(s -> s.getScope().getName()).containsExactly("lib-a", "lib-b");
        var root = api.getScopeSpans(0).getSpans(0);
        assertThat(HexFormat.of().formatHex(root.getTraceId().toByteArray())).isEqualTo(TRACE);
        assertThat(root.getParentSpanId().isEmpty()).isTrue();
        assertThat(root.getAttributesList()).extracting(kv -> kv.getKey()).containsExactly("n", "r", "b", "arr");
        assertThat(root.getAttributes(0).getValue().getIntValue()).isEqualTo(7);
        assertThat(root.getAttributes(3).getValue().getArrayValue().getValues(0).getStringValue()).isEqualTo("x");
        assertThat(root.getStatus().getCodeValue()).isEqualTo(2);
        assertThat(root.getEvents(0).getName()).isEqualTo("exception");
        var child = api.getScopeSpans(1).getSpans(0);
        assertThat(HexFormat.of().formatHex(child.getParentSpanId().toByteArray())).isEqualTo("00f067aa0ba902b7");
    }

    @Test
    void theV2BodyWrapsTheTraceAsFieldOne() throws Exception {
        byte[] v1 = TraceProto.tracesData(SPANS);
        byte[] v2 = TraceProto.traceByIdResponse(SPANS);
        var in = com.google.protobuf.CodedInputStream.newInstance(v2);
        assertThat(in.readTag()).isEqualTo((1 << 3) | 2);
        assertThat(in.readByteArray()).isEqualTo(v1);
        assertThat(in.isAtEnd()).isTrue();
    }

    @Test
    void jsonHasTempoShapesWithHexIds() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonOut out = new JsonOut(bytes)) {
            out.gen().writeStartObject();
            out.gen().writeFieldName("batches");
            TraceJson.resourceSpans(out, SPANS);
            out.gen().writeEndObject();
        }
        JsonNode batches = new ObjectMapper().readTree(bytes.toByteArray()).get("batches");
        assertThat(batches).hasSize(2);
        JsonNode root = batches.get(0).get("scopeSpans").get(0).get("spans").get(0);
        assertThat(root.get("traceId").asText()).isEqualTo(TRACE);
        assertThat(root.has("parentSpanId")).isFalse();
        assertThat(root.get("kind").asText()).isEqualTo("SPAN_KIND_SERVER");
        assertThat(root.get("startTimeUnixNano").asText()).isEqualTo("1000");
        assertThat(root.get("status").get("code").asText()).isEqualTo("STATUS_CODE_ERROR");
        assertThat(root.get("attributes").get(0).get("value").get("intValue").asText()).isEqualTo("7");
        assertThat(root.get("attributes").get(1).get("value").get("doubleValue").asDouble()).isEqualTo(0.5);
        assertThat(root.get("attributes").get(3).get("value").get("arrayValue").get("values").get(0).get("stringValue").asText()).isEqualTo("x");
        assertThat(root.get("links").get(0).get("spanId").asText()).isEqualTo("1111111111111111");
        assertThat(batches.get(1).get("resource").get("attributes").get(0).get("value").get("stringValue").asText()).isEqualTo("db");
    }

    @Test
    void shortTraceIdsArePaddedAndBadOnesRejected() {
        assertThat(TempoParams.traceId("ABC")).isEqualTo("0".repeat(29) + "abc");
        assertThat(TempoParams.traceId(TRACE.toUpperCase())).isEqualTo(TRACE);
        assertThatThrownBy(() -> TempoParams.traceId("xyz")).isInstanceOf(QueryException.class)
                .hasMessageContaining("invalid trace id \"xyz\": a trace id is 1 to 32 hexadecimal digits");
        assertThatThrownBy(() -> TempoParams.traceId(TRACE + "0")).isInstanceOf(QueryException.class);
        assertThatThrownBy(() -> TempoParams.traceId("")).isInstanceOf(QueryException.class);
    }
}
