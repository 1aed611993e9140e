package io.sightline.ingest;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Request ids on OTLP/gRPC with a real client: the client's {@code x-request-id} comes back, or a new id does.
 * (That lines logged during the call carry it is checked where Logback runs: server's {@code GrpcRequestIdLogTest}.)
 */
class OtlpGrpcRequestIdTest {
    private static final Metadata.Key<String> REQUEST_ID = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @TempDir
    Path dataDir;
    private IngestFixture fixture;
    private ManagedChannel channel;
    private final AtomicReference<Metadata> headers = new AtomicReference<>();
    private final AtomicReference<Metadata> trailers = new AtomicReference<>();

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
    void theClientsRequestIdComesBackInTheResponseHeaders() throws Exception {
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig());
        export(Map.of(REQUEST_ID, "collector-7f3a:42"));

        assertThat(headers.get().get(REQUEST_ID)).isEqualTo("collector-7f3a:42");
    }

    @Test
    void aCallWithoutRequestIdGetsANewOneEachTime() throws Exception {
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig());
        export(Map.of());
        String first = headers.get().get(REQUEST_ID);
        export(Map.of());
        String second = headers.get().get(REQUEST_ID);

        assertThat(first).matches("[0-9a-f]{16}");
        assertThat(second).matches("[0-9a-f]{16}").isNotEqualTo(first);
    }

    @Test
    void anUnusableClientIdIsReplaced() throws Exception {
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig());
        export(Map.of(REQUEST_ID, "x".repeat(129)));
        assertThat(headers.get().get(REQUEST_ID)).matches("[0-9a-f]{16}");

        export(Map.of(REQUEST_ID, "a\"b"));
        assertThat(headers.get().get(REQUEST_ID)).matches("[0-9a-f]{16}");
    }

    @Test
    void aCallRefusedBeforeItsHeadersCarriesTheIdInItsTrailers() throws Exception {
        IngestSecurity.Gate tokenOnly = (client, authorization) -> "Bearer right".equals(authorization) ? null
                : new IngestSecurity.Refusal(401, "unauthenticated", Map.of("WWW-Authenticate", "Bearer"));
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig(),
                new IngestSecurity(null, null, tokenOnly, IngestSecurity.Limits.defaults()));

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> export(Map.of(REQUEST_ID, "refused-1")));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(trailers.get().get(REQUEST_ID)).isEqualTo("refused-1");

        export(Map.of(REQUEST_ID, "admitted-1", AUTHORIZATION, "Bearer right"));
        assertThat(headers.get().get(REQUEST_ID)).isEqualTo("admitted-1");
    }

    private void export(Map<Metadata.Key<String>, String> sent) {
        if (channel == null) {
            channel = NettyChannelBuilder.forAddress("127.0.0.1", fixture.service.grpcPort()).usePlaintext().build();
        }
        headers.set(null);
        trailers.set(null);
        Metadata md = new Metadata();
        sent.forEach(md::put);
        MetricsServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel,
                        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers),
                        MetadataUtils.newAttachHeadersInterceptor(md)))
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .export(Requests.counter("calls", 1));
    }
}
