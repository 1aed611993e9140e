package io.sightline.ingest;

import com.google.rpc.RetryInfo;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** OTLP/gRPC on a real port, backed by the real storage. */
class OtlpGrpcTest {
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

    private MetricsServiceGrpc.MetricsServiceBlockingStub stub() {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", fixture.service.grpcPort()).usePlaintext().build();
        return MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @Test
    void exportIsStoredAndAnsweredWithoutPartialSuccess() throws Exception {
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig());
        ExportMetricsServiceResponse r = stub().export(Requests.counter("grpc.calls", 7));

        assertThat(r.hasPartialSuccess()).isFalse();
        assertThat(StoredSeries.values(fixture.storage, "__name__", "grpc_calls_total", "job", "svc", "instance", "i-1", "k", "0")).containsExactly(7.0);
        assertThat(fixture.counter("sightline_ingest_requests_total", "OK")).isEqualTo(1);
    }

    @Test
    void invalidPointsAreReportedAsPartialSuccess() throws Exception {
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig());
        ExportMetricsServiceResponse r = stub().export(Requests.mixedGauge("load"));

        assertThat(r.getPartialSuccess().getRejectedDataPoints()).isEqualTo(2);
        assertThat(r.getPartialSuccess().getErrorMessage()).contains("time_unix_nano is missing");
        assertThat(StoredSeries.values(fixture.storage, "__name__", "load", "job", "svc", "instance", "i-1", "p", "good")).containsExactly(1.0);
    }

    @Test
    void malformedMessageIsRefusedAsInvalidArgumentAndNothingStored() throws Exception {
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig());
        stub();
        byte[] good = Requests.counter("orders", 1).toByteArray();
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        MethodDescriptor<byte[], byte[]> raw = MetricsServiceGrpc.getExportMethod().toBuilder(RAW, RAW).build();
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, raw, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), truncated));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("cannot decode OTLP protobuf ExportMetricsServiceRequest");
        assertThat(StoredSeries.all(fixture.storage)).isEmpty();
    }

    /** Sends bytes as they are, so a test can send a body that is not a valid message. */
    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public java.io.InputStream stream(byte[] value) {
            return new java.io.ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(java.io.InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    };

    @Test
    void logsServiceIsNotRegisteredYet() throws Exception {
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig());
        stub();
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> LogsServiceGrpc.newBlockingStub(channel).export(ExportLogsServiceRequest.getDefaultInstance()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    }

    @Test
    void messageOverTheLimitIsRefusedAndNothingStored() throws Exception {
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig().withLimits(4096, 64, 256, 4096));
        Gauge.Builder g = Gauge.newBuilder();
        for (int i = 0; i < 500; i++) {
            g.addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(Requests.nowNanos()).setAsDouble(i)
                    .addAttributes(Requests.attr("i", Integer.toString(i))));
        }
        var stub = stub();
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub.export(Requests.wrap(Metric.newBuilder().setName("big").setGauge(g).build())));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(StoredSeries.all(fixture.storage)).isEmpty();
    }

    @Test
    void overloadIsAnsweredResourceExhaustedWithRetryInfo() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig().withConcurrency(1, 1),
                real -> OtlpHttpTest.holding(real, entered, release));
        var stub = stub();
        var async = MetricsServiceGrpc.newFutureStub(channel).export(Requests.counter("first", 1));
        assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> stub.export(Requests.counter("second", 1)));
        release.countDown();

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        com.google.rpc.Status detail = StatusProto.fromThrowable(e);
        assertThat(detail).isNotNull();
        assertThat(detail.getDetails(0).unpack(RetryInfo.class).getRetryDelay().getSeconds()).isEqualTo(1);
        assertThat(async.get(30, TimeUnit.SECONDS).hasPartialSuccess()).isFalse();
        assertThat(fixture.counter("sightline_ingest_requests_total", "RESOURCE_EXHAUSTED")).isEqualTo(1);
    }
}
