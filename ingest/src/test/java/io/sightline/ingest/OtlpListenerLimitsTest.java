package io.sightline.ingest;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Connection-level limits of the OTLP listeners with real gRPC clients and raw sockets: {@code ingest.max_connections}
 * on both ports, {@code ingest.read_timeout} on gRPC (OTLP/HTTP's is in server's {@code AbuseLimitsIT}).
 */
class OtlpListenerLimitsTest {
    private static final IngestSecurity.Limits DEFAULTS = IngestSecurity.Limits.defaults();
    /** What an HTTP/2 client sends first (RFC 9113 §3.4). */
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dataDir;
    private IngestFixture fixture;
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void close() throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void connectionsOverTheLimitAreClosedWhileTheOpenOnesKeepServing() throws Exception {
        start(2);
        ManagedChannel a = channel();
        ManagedChannel b = channel();
        export(a, "a_before", 1);
        export(b, "b_before", 1);

        try (Socket extra = new Socket("127.0.0.1", fixture.service.grpcPort())) {
            extra.setSoTimeout(30_000);
            extra.getOutputStream().write(PREFACE);
            assertThat(readsToTheEnd(extra.getInputStream())).as("the server closes the third connection").isTrue();
        }
        assertThat(refused()).isEqualTo(1);

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> export(channel(), "third", 1));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(refused()).isGreaterThanOrEqualTo(2);

        export(a, "a_after", 2);
        export(b, "b_after", 2);
        for (String name : List.of("a_before", "b_before", "a_after", "b_after")) {
            assertThat(stored(name)).as(name).hasSize(1);
        }
        assertThat(stored("third")).isEmpty();
    }

    @Test
    void theGrpcPortTellsClientsHowManyCallsOneConnectionMayHaveOpen() throws Exception {
        start(DEFAULTS);
        try (Socket raw = new Socket("127.0.0.1", fixture.service.grpcPort())) {
            raw.setSoTimeout(30_000);
            raw.getOutputStream().write(PREFACE);
            raw.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // our (empty) SETTINGS frame
            java.io.DataInputStream in = new java.io.DataInputStream(raw.getInputStream());
            // The server's first frame is its SETTINGS (RFC 9113 §3.4): 9-byte header, then 6-byte entries.
            int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
            assertThat(in.readUnsignedByte()).as("frame type SETTINGS").isEqualTo(4);
            in.readUnsignedByte();
            in.readInt();
            Long maxStreams = null;
            for (int i = 0; i < length / 6; i++) {
                int id = in.readUnsignedShort();
                long value = in.readInt() & 0xFFFF_FFFFL;
                if (id == 3) { // SETTINGS_MAX_CONCURRENT_STREAMS
                    maxStreams = value;
                }
            }
            assertThat(maxStreams).isEqualTo(32L);
        }
    }

    @Test
    void aClosedConnectionFreesItsPlaceForTheNextClient() throws Exception {
        start(1);
        ManagedChannel first = channel();
        export(first, "first", 1);
        first.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

        // The server learns of the close asynchronously: the next client may be refused and retries until admitted.
        ManagedChannel next = channel();
        MetricsServiceGrpc.newBlockingStub(next).withWaitForReady().withDeadlineAfter(30, TimeUnit.SECONDS)
                .export(Requests.counter("next", 1));

        assertThat(stored("next")).containsExactly(1.0);
    }

    @Test
    void otlpHttpClosesConnectionsOverTheLimitAndServesTheOpenOne() throws Exception {
        start(1);
        try (Socket open = new Socket("127.0.0.1", fixture.service.httpPort())) {
            open.setSoTimeout(30_000);
            assertThat(post(open)).isEqualTo("HTTP/1.1 200 OK");

            try (Socket extra = new Socket("127.0.0.1", fixture.service.httpPort())) {
                extra.setSoTimeout(30_000);
                assertThat(readsToTheEnd(extra.getInputStream())).as("the server closes the second connection").isTrue();
            }
            assertThat(fixture.counter("sightline_ingest_connections_refused_total", "http")).isEqualTo(1);
            assertThat(post(open)).as("the open connection keeps being served").isEqualTo("HTTP/1.1 200 OK");
        }
    }

    @Test
    void theLimitCountsEachOtlpPortOnItsOwn() throws Exception {
        start(1);
        export(channel(), "grpc", 1);

        try (Socket http = new Socket("127.0.0.1", fixture.service.httpPort())) {
            http.setSoTimeout(30_000);
            assertThat(post(http)).isEqualTo("HTTP/1.1 200 OK");
        }
        assertThat(refused()).isZero();
    }

    @Test
    void aGrpcCallNotCompletedWithinTheReadTimeoutIsClosedAndNothingOfItStored() throws Exception {
        start(new IngestSecurity.Limits(DEFAULTS.maxConnections(), DEFAULTS.maxHeaderBytes(), DEFAULTS.idleTimeoutMillis(), 500));
        ManagedChannel channel = channel();
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
        export(channel, "complete", 1);
        assertThat(stored("complete")).containsExactly(1.0);
        assertThat(stored("stalled")).isEmpty();
    }

    private void start(int maxConnections) throws IOException {
        start(new IngestSecurity.Limits(maxConnections, DEFAULTS.maxHeaderBytes(), DEFAULTS.idleTimeoutMillis(),
                DEFAULTS.readTimeoutMillis()));
    }

    private void start(IngestSecurity.Limits limits) throws IOException {
        fixture = new IngestFixture(dataDir, IngestFixture.localConfig(), IngestSecurity.none().withLimits(limits));
    }

    private ManagedChannel channel() {
        ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", fixture.service.grpcPort()).usePlaintext().build();
        channels.add(c);
        return c;
    }

    private static void export(ManagedChannel channel, String name, double value) {
        MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .export(Requests.counter(name, value));
    }

    private List<Double> stored(String counter) {
        return StoredSeries.values(fixture.storage, "__name__", counter + "_total", "job", "svc", "instance", "i-1", "k", "0");
    }

    private long refused() {
        return fixture.counter("sightline_ingest_connections_refused_total", "grpc");
    }

    /** Posts an empty OTLP/HTTP metrics request on a kept-alive connection; returns the status line. */
    private static String post(Socket socket) throws IOException {
        socket.getOutputStream().write(("POST /v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.append((char) b);
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
        return head.substring(0, head.indexOf("\r\n"));
    }

    /** True when the peer closed the connection (end of stream or reset) before the read timeout. */
    private static boolean readsToTheEnd(InputStream in) throws IOException {
        try {
            while (in.read() >= 0) {
                // whatever the server sent before closing (nothing, today) does not matter
            }
            return true;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }
}
