package io.sightline.bench.e2e;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * End-to-end OTLP/HTTP protobuf load: {@code hosts x seriesPerHost} series (counters and gauges), one
 * request per host per 15 s scrape round, sent as fast as the server acknowledges them from
 * {@code connections} concurrent senders. Prints samples/s and request latency percentiles (HdrHistogram).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.sightline.bench.e2e.OtlpLoadGenerator
 * --url http://127.0.0.1:4318/v1/metrics --hosts 200 --series-per-host 500 --rounds 100 --connections 4}
 * (100k series, 10M samples). Requests are built before the clock starts so the generator measures the
 * server, not protobuf encoding.
 */
public final class OtlpLoadGenerator {
    private OtlpLoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        String url = "http://127.0.0.1:4318/v1/metrics";
        int hosts = 200;
        int seriesPerHost = 500;
        int rounds = 20;
        int connections = 4;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--url" -> url = args[i + 1];
                case "--hosts" -> hosts = Integer.parseInt(args[i + 1]);
                case "--series-per-host" -> seriesPerHost = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]
                        + " (known: --url --hosts --series-per-host --rounds --connections)");
            }
        }
        long start = (System.currentTimeMillis() / 15_000) * 15_000 - (long) rounds * 15_000;
        System.out.printf("building %d requests (%d series, %d samples)...%n", hosts * rounds, hosts * seriesPerHost,
                (long) hosts * seriesPerHost * rounds);
        // One request per (round, host), in round order so every series is appended in time order.
        List<byte[]> requests = new ArrayList<>(hosts * rounds);
        Random random = new Random(42);
        double[][] counters = new double[hosts][seriesPerHost];
        for (int r = 0; r < rounds; r++) {
            for (int h = 0; h < hosts; h++) {
                requests.add(request(h, seriesPerHost, start + r * 15_000L, counters[h], random).toByteArray());
            }
        }
        // A host's next request is `hosts` places further on, so with connections << hosts each series still
        // arrives in time order without coordination between senders.
        LoadSender.Result r = LoadSender.run(url, requests, connections,
                body -> ExportMetricsServiceResponse.parseFrom(body).getPartialSuccess().getRejectedDataPoints());
        long samples = (long) seriesPerHost * requests.size();
        System.out.printf("sent %d requests, %d samples in %.2f s: %.0f samples/s; rejected points %d, 429s retried %d%n",
                requests.size(), samples, r.seconds(), samples / r.seconds(), r.rejected(), r.throttled());
        System.out.printf("request latency ms: %s (%d series per request, %d hosts per round)%n", r.latencyMillis(),
                seriesPerHost, hosts);
    }

    /** One host's scrape: 60% counters (cumulative sums), 40% gauges with 2 decimals. */
    private static ExportMetricsServiceRequest request(int host, int series, long timeMillis, double[] counters, Random random) {
        long nanos = timeMillis * 1_000_000L;
        ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
        int counterSeries = series * 6 / 10;
        Sum.Builder sum = Sum.newBuilder().setIsMonotonic(true)
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        for (int s = 0; s < counterSeries; s++) {
            counters[s] += random.nextInt(100) < 5 ? 0 : 1 + random.nextInt(20);
            sum.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(nanos).setStartTimeUnixNano(1_000_000L)
                    .setAsDouble(counters[s]).addAttributes(kv("route", "/api/v" + (s % 7) + "/item" + (s / 7))));
        }
        scope.addMetrics(Metric.newBuilder().setName("http.server.requests").setSum(sum));
        Gauge.Builder gauge = Gauge.newBuilder();
        for (int s = counterSeries; s < series; s++) {
            counters[s] = Math.round((counters[s] + random.nextGaussian()) * 100) / 100.0;
            gauge.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(nanos).setAsDouble(counters[s])
                    .addAttributes(kv("sensor", "s" + s)));
        }
        scope.addMetrics(Metric.newBuilder().setName("system.temperature").setUnit("Cel").setGauge(gauge));
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "loadgen"))
                        .addAttributes(kv("service.instance.id", "host-" + host)))
                .addScopeMetrics(scope)).build();
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }
}
