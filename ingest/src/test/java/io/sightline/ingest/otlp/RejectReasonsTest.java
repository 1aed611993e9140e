package io.sightline.ingest.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** Each problem the span translator writes into partial success maps to its own reason label. */
class RejectReasonsTest {
    private static Span.Builder valid() {
        return Span.newBuilder().setTraceId(id("0af7651916cd43dd8448eb211c80319c")).setSpanId(id("b7ad6b7169203331"))
                .setName("op").setStartTimeUnixNano(1_000).setEndTimeUnixNano(2_000);
    }

    private static ByteString id(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }

    private static String reason(Span.Builder s) {
        String problem = TracesTranslator.problem(s.build());
        assertThat(problem).isNotNull();
        return RejectReasons.ofSpan(problem);
    }

    @Test
    void everySpanProblemHasItsReason() {
        assertThat(TracesTranslator.problem(valid().build())).isNull();
        assertThat(reason(valid().setTraceId(id("00000000000000000000000000000000")))).isEqualTo("invalid_trace_id");
        assertThat(reason(valid().setTraceId(id("0102")))).isEqualTo("invalid_trace_id");
        assertThat(reason(valid().setSpanId(id("0102")))).isEqualTo("invalid_span_id");
        assertThat(reason(valid().setParentSpanId(id("0102")))).isEqualTo("invalid_parent_span_id");
        assertThat(reason(valid().setStartTimeUnixNano(0))).isEqualTo("invalid_time");
        assertThat(reason(valid().setEndTimeUnixNano(1))).isEqualTo("invalid_time");
        assertThat(reason(valid().setKindValue(9))).isEqualTo("invalid_kind");
        assertThat(reason(valid().setStatus(Status.newBuilder().setCodeValue(7)))).isEqualTo("invalid_status");
        assertThat(reason(valid().addLinks(Span.Link.newBuilder().setTraceId(id("0102")).setSpanId(id("b7ad6b7169203331")))))
                .isEqualTo("invalid_link");
    }

    @Test
    void countsAreKeptPerReason() {
        RejectReasons r = RejectReasons.create();
        assertThat(r.counts()).isEmpty();
        r.spanRejected("trace_id must not be all zeros");
        r.spanRejected("trace_id must be 16 bytes, got 2");
        r.logRejected("log record body of 2000 bytes exceeds logs.max_line_bytes=1024 (stream {})");
        assertThat(r.counts()).containsOnly(java.util.Map.entry("invalid_trace_id", 2L), java.util.Map.entry("line_too_long", 1L));
    }
}
