package io.sightline.ingest.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;

/** Small builders for OTLP test requests. */
final class Otlp {
    /** 2026-11-26T06:00:00Z in nanoseconds. */
    static final long T0_NANOS = 1_795_672_800_000L * 1_000_000L;
    static final long T0_MILLIS = T0_NANOS / 1_000_000L;

    private Otlp() {
    }

    static KeyValue attr(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    static KeyValue attr(String key, AnyValue value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    static Resource resource(KeyValue... attrs) {
        Resource.Builder r = Resource.newBuilder();
        for (KeyValue kv : attrs) {
            r.addAttributes(kv);
        }
        return r.build();
    }

    static ExportMetricsServiceRequest request(Resource resource, Metric... metrics) {
        ScopeMetrics.Builder scope = ScopeMetrics.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("test.scope").setVersion("1.2.3"));
        for (Metric m : metrics) {
            scope.addMetrics(m);
        }
        return ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder().setResource(resource).addScopeMetrics(scope))
                .build();
    }

    static ExportMetricsServiceRequest request(Metric... metrics) {
        return request(resource(attr("service.name", "checkout")), metrics);
    }
}
