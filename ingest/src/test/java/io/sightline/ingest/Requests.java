package io.sightline.ingest;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;

/** OTLP requests for server tests, timestamped at the real clock (storage and ingest check time). */
final class Requests {
    private Requests() {
    }

    static KeyValue attr(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    static long nowNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    /** One counter {@code name} (cumulative, monotonic) with one point per value, labelled {@code k=<index>}. */
    static ExportMetricsServiceRequest counter(String name, double... values) {
        Sum.Builder sum = Sum.newBuilder().setIsMonotonic(true)
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        long t = nowNanos();
        for (int i = 0; i < values.length; i++) {
            sum.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(t).setAsDouble(values[i]).addAttributes(attr("k", Integer.toString(i))));
        }
        return wrap(Metric.newBuilder().setName(name).setSum(sum).build());
    }

    /** A gauge with one good point and two bad ones (missing timestamp, too far in the future). */
    static ExportMetricsServiceRequest mixedGauge(String name) {
        long t = nowNanos();
        Gauge g = Gauge.newBuilder()
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(t).setAsDouble(1).addAttributes(attr("p", "good")))
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(0).setAsDouble(2).addAttributes(attr("p", "no-time")))
                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(t + 86_400_000_000_000L).setAsDouble(3).addAttributes(attr("p", "future")))
                .build();
        return wrap(Metric.newBuilder().setName(name).setGauge(g).build());
    }

    static ExportMetricsServiceRequest wrap(Metric... metrics) {
        ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
        for (Metric m : metrics) {
            scope.addMetrics(m);
        }
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attr("service.name", "svc")).addAttributes(attr("service.instance.id", "i-1")))
                .addScopeMetrics(scope)).build();
    }
}
