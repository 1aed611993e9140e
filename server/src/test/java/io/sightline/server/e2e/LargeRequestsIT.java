package io.sightline.server.e2e;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests larger than the buffer pool's chunks, several at once over OTLP/HTTP and OTLP/gRPC, through Main as
 * shipped: Netty's allocator in its low-memory mode (2 MiB chunks, one magazine stripe) and gRPC sharing it
 * (Main's system properties, which only a fresh JVM gets).
 */
class LargeRequestsIT {
    private static final int SERIES_PER_REQUEST = 20_000;
    /** A long label value per sample: ~5 MiB of protobuf per request, beyond a 2 MiB chunk. */
    private static final String PADDING = "p".repeat(220);
    private static final int REQUESTS_PER_PROTOCOL = 3;
    private static final long T_MILLIS = (System.currentTimeMillis() / 1000 - 600) * 1000;

    @TempDir
    Path tmp;

    @Test
    void concurrentMultiMegabyteRequestsOverHttpAndGrpcAreStoredInFull() throws Exception {
        try (ChildSightline child = ChildSightline.start(tmp.resolve("data"), tmp.resolve("child.log"))) {
            ApiClient api = new ApiClient(child.httpPort);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", child.otlpGrpcPort).usePlaintext()
                    .maxInboundMessageSize(1 << 20).build();
            try {
                MetricsServiceGrpc.MetricsServiceBlockingStub grpc = MetricsServiceGrpc.newBlockingStub(channel);
                List<CompletableFuture<Void>> sends = new ArrayList<>();
                for (int r = 0; r < REQUESTS_PER_PROTOCOL; r++) {
                    ExportMetricsServiceRequest overHttp = request("http", r);
                    ExportMetricsServiceRequest overGrpc = request("grpc", r);
                    assertThat(overHttp.getSerializedSize()).isGreaterThan(4 << 20);
                    sends.add(CompletableFuture.runAsync(() -> {
                        ApiClient.Reply reply = new ApiClient(child.otlpHttpPort).post("/v1/metrics",
                                "application/x-protobuf", overHttp.toByteArray());
                        assertThat(reply.status()).as("OTLP/HTTP answer: %s", reply.body()).isEqualTo(200);
                    }));
                    sends.add(CompletableFuture.runAsync(() -> {
                        ExportMetricsServiceResponse resp = grpc.withDeadlineAfter(120, TimeUnit.SECONDS).export(overGrpc);
                        assertThat(resp.getPartialSuccess().getRejectedDataPoints()).isZero();
                    }));
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }

            double t = T_MILLIS / 1000.0;
            for (String protocol : List.of("http", "grpc")) {
                for (int r = 0; r < REQUESTS_PER_PROTOCOL; r++) {
                    String sel = "large_probe{protocol=\"" + protocol + "\",request=\"" + r + "\"}";
                    assertThat(api.single("count(" + sel + ")", t)).as(sel).isEqualTo(SERIES_PER_REQUEST);
                    assertThat(api.single("sum(" + sel + ")", t)).as(sel)
                            .isEqualTo((double) SERIES_PER_REQUEST * (SERIES_PER_REQUEST - 1) / 2);
                }
            }
            child.terminate();
        }
    }

    /** One gauge sample per series, series i with value i. */
    private static ExportMetricsServiceRequest request(String protocol, int request) {
        Gauge.Builder gauge = Gauge.newBuilder();
        for (int i = 0; i < SERIES_PER_REQUEST; i++) {
            gauge.addDataPoints(NumberDataPoint.newBuilder()
                    .setTimeUnixNano(T_MILLIS * 1_000_000L)
                    .setAsDouble(i)
                    .addAttributes(kv("protocol", protocol))
                    .addAttributes(kv("request", Integer.toString(request)))
                    .addAttributes(kv("series", PADDING + i)));
        }
        return ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(kv("service.name", "large")))
                        .addScopeMetrics(ScopeMetrics.newBuilder()
                                .addMetrics(Metric.newBuilder().setName("large_probe").setGauge(gauge))))
                .build();
    }

    private static KeyValue kv(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }
}
