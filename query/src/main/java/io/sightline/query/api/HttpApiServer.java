package io.sightline.query.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.opentelemetry.api.metrics.Meter;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.sightline.http.ServerTls;
import io.sightline.query.ApiConfig;
import io.sightline.query.ApiSecurity;
import io.sightline.query.ApiServer;
import io.sightline.query.LogQueryEngine;
import io.sightline.query.QueryEngine;
import io.sightline.query.Route;
import io.sightline.query.TraceQueryEngine;
import io.sightline.storage.LogStore;
import io.sightline.storage.Storage;
import io.sightline.storage.TraceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Netty implementation of {@link ApiServer}. Not for use outside the query module: other modules start it
 * through {@link ApiServer#start}.
 */
public final class HttpApiServer implements ApiServer {
    private static final Logger log = LoggerFactory.getLogger(HttpApiServer.class);
    /** Event-loop threads: parsing and writing are cheap next to the handlers, which run on the worker pool. */
    private static final int IO_THREADS = Math.min(2, Runtime.getRuntime().availableProcessors());

    private final ApiConfig config;
    private final EventLoopGroup group;
    private final ThreadPoolExecutor workers;
    private final ChannelGroup channels;
    private final Channel serverChannel;
    private final InFlight inFlight;
    private final AtomicBoolean closing;
    private final List<AutoCloseable> gauges;
    /** Kept: a closed channel no longer knows its address. */
    private final InetSocketAddress address;

    private HttpApiServer(ApiConfig config, EventLoopGroup group, ThreadPoolExecutor workers, ChannelGroup channels,
                          Channel serverChannel, InFlight inFlight, AtomicBoolean closing, List<AutoCloseable> gauges) {
        this.config = config;
        this.group = group;
        this.workers = workers;
        this.channels = channels;
        this.serverChannel = serverChannel;
        this.inFlight = inFlight;
        this.closing = closing;
        this.gauges = gauges;
        this.address = (InetSocketAddress) serverChannel.localAddress();
    }

    /** See {@link ApiServer#start}. */
    public static ApiServer start(ApiConfig config, QueryEngine engine, Storage storage, List<Route> extraRoutes,
                                  Meter meter) {
        return start(config, engine, storage, null, null, extraRoutes, meter);
    }

    /** See {@link ApiServer#start}; also serves the Loki API when {@code logs} is not null. */
    public static ApiServer start(ApiConfig config, QueryEngine engine, Storage storage, LogQueryEngine logs,
                                  LogStore logStore, List<Route> extraRoutes, Meter meter) {
        return start(config, engine, storage, logs, logStore, null, null, extraRoutes, meter);
    }

    /**
     * See {@link ApiServer#start}; also serves the Loki API when {@code logs} is not null and the Tempo API when
     * {@code traces} is not null.
     */
    public static ApiServer start(ApiConfig config, QueryEngine engine, Storage storage, LogQueryEngine logs,
                                  LogStore logStore, TraceQueryEngine traces, TraceStore traceStore,
                                  List<Route> extraRoutes, Meter meter) {
        return start(config, ApiSecurity.none(), engine, storage, logs, logStore, traces, traceStore, extraRoutes, meter);
    }

    /** See {@link ApiServer#start(ApiConfig, ApiSecurity, QueryEngine, Storage, LogQueryEngine, LogStore, TraceQueryEngine, TraceStore, List, Meter)}. */
    public static ApiServer start(ApiConfig config, ApiSecurity security, QueryEngine engine, Storage storage,
                                  LogQueryEngine logs, LogStore logStore, TraceQueryEngine traces, TraceStore traceStore,
                                  List<Route> extraRoutes, Meter meter) {
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(storage, "storage");
        List<Endpoint> endpoints = new ArrayList<>(PrometheusApi.endpoints(config, engine, storage, Clock.systemUTC()));
        if (logs != null) {
            endpoints.addAll(LokiEndpoints.endpoints(logs, Objects.requireNonNull(logStore, "logStore"), Clock.systemUTC()));
        }
        GrpcServices grpc = GrpcServices.none();
        if (traces != null) {
            endpoints.addAll(TempoEndpoints.endpoints(traces, Objects.requireNonNull(traceStore, "traceStore"),
                    Clock.systemUTC()));
            grpc = TempoGrpc.services(traces, traceStore, Clock.systemUTC());
        }
        extraRoutes.forEach(r -> endpoints.add(PrometheusApi.adapt(r)));
        Router router = new Router(endpoints);
        ApiMetrics metrics = new ApiMetrics(meter);
        ThreadPoolExecutor workers = workerPool(config);
        InFlight inFlight = new InFlight();
        AtomicBoolean closing = new AtomicBoolean();
        ServerContext server = new ServerContext(router, workers, metrics, inFlight, closing, overloadHint(config),
                config.maxBodyBytes(), new ConnectionLimit(config.maxConnections()), grpc);

        SslContext tls = tlsContext(security.tls());
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(IO_THREADS, new DefaultThreadFactory("sightline-api-io", true), io);
        ChannelGroup channels = new DefaultChannelGroup("sightline-api", GlobalEventExecutor.INSTANCE);
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            channels.add(ch);
                            Pipeline.configure(ch, config, server, tls, security);
                        }
                    })
                    .bind(config.listenAddress(), config.port())
                    .syncUninterruptibly()
                    .channel();
            HttpApiServer s = new HttpApiServer(config, group, workers, channels, channel, inFlight, closing,
                    ApiMetrics.observe(meter, inFlight, workers));
            log.info("HTTP API listening [address={}, transport={}, tls={}, workers={}, queue={}, maxBodyBytes={}]",
                    s.address(), epoll ? "epoll" : "nio", tls != null, config.workerThreads(), config.workerQueueCapacity(),
                    config.maxBodyBytes());
            return s;
        } catch (Exception e) { // bind() rethrows its checked IOException undeclared
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownNow();
            throw new IllegalStateException("cannot bind the HTTP API to " + config.listenAddress() + ":"
                    + config.port() + ": " + e.getMessage(), e);
        }
    }

    private static SslContext tlsContext(ApiSecurity.Tls tls) {
        if (tls == null) {
            return null;
        }
        try {
            // ALPN: the server picks the first of its protocols the client offers. HTTP/1.1 first keeps browsers and
            // HTTP clients on the HTTP/1.1 API; gRPC clients offer only h2 and get it.
            return ServerTls.builder(tls.keys(), tls.clientCa())
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_1_1, ApplicationProtocolNames.HTTP_2))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for the HTTP API: " + e.getMessage(), e);
        }
    }

    static ThreadPoolExecutor workerPool(ApiConfig config) {
        return new WorkerPool(config.workerThreads(), config.workerQueueCapacity(), 60_000,
                new DefaultThreadFactory("sightline-api-worker", true));
    }

    static String overloadHint(ApiConfig config) {
        return "server overloaded: all " + config.workerThreads() + " HTTP workers are busy and "
                + config.workerQueueCapacity() + " requests wait (http.worker_threads, http.worker_queue); retry later";
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        boolean drained;
        try {
            drained = inFlight.awaitIdle(config.shutdownTimeoutMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        if (!drained) {
            log.warn("HTTP API closing with requests still running [inFlight={}, timeoutMs={}]", inFlight.count(),
                    config.shutdownTimeoutMillis());
        }
        channels.close().awaitUninterruptibly();
        workers.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        for (AutoCloseable g : gauges) {
            try {
                g.close();
            } catch (Exception e) {
                log.debug("closing a gauge failed", e);
            }
        }
        log.info("HTTP API closed [address={}, drained={}]", address, drained);
    }
}
