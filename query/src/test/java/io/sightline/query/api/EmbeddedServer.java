package io.sightline.query.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.sightline.query.ApiConfig;
import io.sightline.query.ApiSecurity;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The server's real per-connection pipeline on {@link EmbeddedChannel}s, with a test client codec on the other
 * side, and the real metrics SDK reading back what was recorded.
 */
final class EmbeddedServer implements AutoCloseable {
    final ApiConfig config;
    final ServerContext context;
    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(reader).build();
    private final List<Connection> connections = new ArrayList<>();

    EmbeddedServer(ApiConfig config, Executor executor, List<Endpoint> endpoints) {
        this(config, executor, endpoints, GrpcServices.none());
    }

    EmbeddedServer(ApiConfig config, Executor executor, List<Endpoint> endpoints, GrpcServices grpc) {
        this.config = config;
        this.context = new ServerContext(new Router(endpoints), executor, new ApiMetrics(meters.get("test")),
                new InFlight(), new AtomicBoolean(), HttpApiServer.overloadHint(config), config.maxBodyBytes(),
                new ConnectionLimit(config.maxConnections()), grpc);
    }

    /** A bare server-side channel with the real pipeline, for clients other than HTTP/1.1. */
    EmbeddedChannel serverChannel() {
        EmbeddedChannel server = new EmbeddedChannel();
        Pipeline.configure(server, config, context, null, ApiSecurity.none());
        return server;
    }

    Connection connect() {
        return connect(ApiSecurity.none());
    }

    /** A connection whose requests pass {@code security}'s access policy (no TLS on embedded channels). */
    Connection connect(ApiSecurity security) {
        EmbeddedChannel server = new EmbeddedChannel();
        Pipeline.configure(server, config, context, null, security);
        Connection c = new Connection(server, new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(1 << 26)));
        connections.add(c);
        return c;
    }

    /** The value of {@code sightline_http_requests_total} for a handler and code, 0 when never recorded. */
    long requests(String handler, int code) {
        return SelfMetrics.requests(reader, handler, code);
    }

    @Override
    public void close() {
        for (Connection c : connections) {
            c.close();
        }
        meters.close();
    }

    /** One client connection. Responses must be released by the caller (or read as strings with {@link #body}). */
    static final class Connection {
        final EmbeddedChannel server;
        final EmbeddedChannel client;

        Connection(EmbeddedChannel server, EmbeddedChannel client) {
            this.server = server;
            this.client = client;
        }

        /** Sends a request (not waiting for an answer). */
        void send(FullHttpRequest request) {
            client.writeOutbound(request);
            ByteBuf b;
            while ((b = client.readOutbound()) != null) {
                if (server.isOpen()) {
                    server.writeInbound(b);
                } else {
                    b.release(); // the server closed mid-request (413), as a real peer would see a reset
                }
            }
        }

        /** Sends raw bytes as they are. */
        void sendRaw(ByteBuf bytes) {
            server.writeInbound(bytes);
        }

        /** Responses written so far. */
        List<FullHttpResponse> responses() {
            server.runPendingTasks();
            ByteBuf b;
            while ((b = server.readOutbound()) != null) {
                client.writeInbound(b);
            }
            List<FullHttpResponse> out = new ArrayList<>();
            Object o;
            while ((o = client.readInbound()) != null) {
                out.add((FullHttpResponse) o);
            }
            return out;
        }

        /** Sends a request and returns the one response it got. */
        FullHttpResponse exchange(FullHttpRequest request) {
            send(request);
            List<FullHttpResponse> r = responses();
            if (r.size() != 1) {
                r.forEach(FullHttpResponse::release);
                throw new AssertionError("expected one response, got " + r.size());
            }
            return r.getFirst();
        }

        void close() {
            server.finishAndReleaseAll();
            client.finishAndReleaseAll();
        }
    }

    static String body(FullHttpResponse r) {
        try {
            return r.content().toString(java.nio.charset.StandardCharsets.UTF_8);
        } finally {
            r.release();
        }
    }
}
