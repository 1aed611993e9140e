package io.sightline.server.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.sightline.ingest.IngestConfig;
import io.sightline.ingest.IngestService;
import io.sightline.storage.Appendable;
import io.sightline.storage.Appender;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.StorageException;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.MetricMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * With Logback (the server's logger), lines logged while an OTLP/gRPC call is handled carry its request id under
 * {@code request_id}, also on the write pool, where storage is called; the client gets the same id back.
 */
class GrpcRequestIdLogTest {
    private static final Metadata.Key<String> REQUEST_ID = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

    @TempDir
    Path dir;
    private Storage storage;
    private IngestService ingest;
    private ManagedChannel channel;
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final Logger exportLog = (Logger) LoggerFactory.getLogger("io.sightline.ingest.grpc.ExportService");
    /** The MDC request id seen by storage, per appender opened. */
    private final List<String> seenByStorage = new CopyOnWriteArrayList<>();
    private final AtomicBoolean failCommits = new AtomicBoolean();

    @BeforeEach
    void start() throws Exception {
        events.start();
        exportLog.addAppender(events);
        exportLog.setLevel(Level.WARN);
        storage = Storage.open(StorageConfig.defaults(dir.resolve("data")), OpenTelemetry.noop().getMeter("t"));
        ingest = IngestService.start(IngestConfig.defaults().withListen("127.0.0.1", 0, 0), new Watched(),
                OpenTelemetry.noop().getMeter("i"));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", ingest.grpcPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        exportLog.detachAppender(events);
        exportLog.setLevel(null);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        ingest.close();
        storage.close();
    }

    @Test
    void storageSeesTheCallsRequestIdOnTheWritePool() {
        AtomicReference<Metadata> headers = new AtomicReference<>();
        export(Map.of(), headers, new AtomicReference<>());
        export(Map.of(REQUEST_ID, "collector-1"), headers, new AtomicReference<>());

        assertThat(seenByStorage).hasSize(2);
        assertThat(seenByStorage.get(0)).matches("[0-9a-f]{16}");
        assertThat(seenByStorage.get(1)).isEqualTo("collector-1");
        assertThat(headers.get().get(REQUEST_ID)).isEqualTo("collector-1");
        assertThat(MDC.get("request_id")).as("not left on the test thread").isNull();
    }

    @Test
    void aFailedCommitIsLoggedWithTheRequestIdTheClientGot() {
        failCommits.set(true);
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> export(Map.of(), new AtomicReference<>(), trailers));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        String id = trailers.get().get(REQUEST_ID);
        assertThat(id).matches("[0-9a-f]{16}");
        assertThat(events.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).contains("storage commit failed");
            assertThat(event.getMDCPropertyMap()).containsEntry("request_id", id);
        });
    }

    private void export(Map<Metadata.Key<String>, String> sent, AtomicReference<Metadata> headers,
                        AtomicReference<Metadata> trailers) {
        Metadata md = new Metadata();
        sent.forEach(md::put);
        MetricsServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel,
                        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers),
                        MetadataUtils.newAttachHeadersInterceptor(md)))
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .export(gauge());
    }

    private static ExportMetricsServiceRequest gauge() {
        NumberDataPoint p = NumberDataPoint.newBuilder().setTimeUnixNano(System.currentTimeMillis() * 1_000_000L)
                .setAsDouble(1).build();
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                        .setValue(AnyValue.newBuilder().setStringValue("svc"))))
                .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName("up_now")
                        .setGauge(Gauge.newBuilder().addDataPoints(p))))).build();
    }

    /** The real storage, noting the MDC of every appender opened and failing commits on demand (a full disk). */
    private final class Watched implements Appendable {
        @Override
        public Appender appender() {
            seenByStorage.add(String.valueOf(MDC.get("request_id")));
            Appender real = storage.appender();
            return new Appender() {
                @Override
                public long append(long seriesRef, Labels labels, long timestampMillis, double value) {
                    return real.append(seriesRef, labels, timestampMillis, value);
                }

                @Override
                public void updateMetadata(String family, MetricMetadata metadata) {
                    real.updateMetadata(family, metadata);
                }

                @Override
                public void commit() {
                    if (failCommits.get()) {
                        real.rollback();
                        throw new StorageException("no space left on device (injected)");
                    }
                    real.commit();
                }

                @Override
                public void rollback() {
                    real.rollback();
                }
            };
        }
    }
}
