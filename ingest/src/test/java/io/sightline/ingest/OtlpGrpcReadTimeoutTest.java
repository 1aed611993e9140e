package io.sightline.ingest;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ingest.read_timeout} on OTLP/gRPC, with a real client that sends its message but never finishes the call. */
class OtlpGrpcReadTimeoutTest {
    @TempDir
    Path dataDir;
    private IngestFixture fixture;
    private ManagedChannel channel;

    @AfterEach
    void close() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aCallNotCompletedWithinTheReadTimeoutIsClosedAndNothingOfItStored() throws Exception {
        IngestSecurity.Limits d = IngestSecurity.Limits.defaults();
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig(), IngestSecurity.none().withLimits(
                new IngestSecurity.Limits(d.maxConnections(), d.maxHeaderBytes(), d.idleTimeoutMillis(), 500)));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", fixture.service.grpcPort()).usePlaintext().build();

        ClientCall<ExportMetricsServiceRequest, ExportMetricsServiceResponse> stalled =
                channel.newCall(MetricsServiceGrpc.getExportMethod(), CallOptions.DEFAULT);
        CompletableFuture<Status> closed = new CompletableFuture<>();
        stalled.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, new Metadata());
        stalled.request(1);
        stalled.sendMessage(Requests.counter("stalled", 1)); // ... and no halfClose(): the request never completes

        Status status = closed.get(30, TimeUnit.SECONDS);
        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(status.getDescription()).contains("within 500ms (ingest.read_timeout)");
        assertThat(fixture.counter("sightline_ingest_requests_total", "DEADLINE_EXCEEDED")).isEqualTo(1);

        // The connection and the server go on: a complete call on the same channel is stored.
        MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .export(Requests.counter("complete", 1));
        assertThat(StoredSeries.values(fixture.storage, "__name__", "complete_total", "job", "svc", "instance", "i-1", "k", "0"))
                .containsExactly(1.0);
        assertThat(StoredSeries.values(fixture.storage, "__name__", "stalled_total", "job", "svc", "instance", "i-1", "k", "0"))
                .isEmpty();
    }
}
