package io.sightline.server;

import io.sightline.alerting.AlertingService;
import io.sightline.ingest.IngestService;
import io.sightline.query.ApiServer;
import io.sightline.query.LogQueryEngine;
import io.sightline.query.QueryEngine;
import io.sightline.query.QueryEngines;
import io.sightline.query.Route;
import io.sightline.query.TraceQueryEngine;
import io.sightline.server.admin.AdminRoutes;
import io.sightline.server.admin.SelfScraper;
import io.sightline.server.admin.TsdbAdminRoutes;
import io.sightline.server.admin.SelfTelemetry;
import io.sightline.server.security.AccessControl;
import io.sightline.server.config.ServerConfig;
import io.sightline.server.store.LazyLogStore;
import io.sightline.server.store.LazyTraceStore;
import io.sightline.storage.LogStore;
import io.sightline.storage.Storage;
import io.sightline.storage.TraceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running Sightline: starts storage, then the query engine and HTTP API, then ingest; stops in the
 * reverse order (stop accepting writes first, flush storage last). Thread-safe close; idempotent.
 */
public final class Sightline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sightline.class);

    private final ServerConfig config;
    private final SelfTelemetry telemetry;
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private Storage storage;
    private LogStore logs;
    private TraceStore traces;
    private ApiServer api;
    private IngestService ingest;
    private AlertingService alerting;
    private SelfScraper selfScraper;
    private HeapGovernor heapGovernor;

    private Sightline(ServerConfig config) {
        this.config = config;
        this.telemetry = new SelfTelemetry();
    }

    /** Starts every component; on failure closes what had started and rethrows. */
    public static Sightline start(ServerConfig config) {
        Sightline s = new Sightline(config);
        try {
            s.startComponents();
            return s;
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    private void startComponents() {
        long t0 = System.nanoTime();
        storage = Storage.open(config.storage(), telemetry.meter("storage"));
        telemetry.watchDisk(config.dataDir());
        // Opened now only when they hold data; else by their first use (LazyLogStore, LazyTraceStore).
        logs = LazyLogStore.open(config.logs().store(), telemetry.meter("storage"));
        traces = LazyTraceStore.open(config.traces().store(), telemetry.meter("storage"));
        LogQueryEngine logQueries = LogQueryEngine.create(logs, config.logs().query());
        TraceQueryEngine traceQueries = TraceQueryEngine.create(traces, config.traces().query());
        QueryEngine engine = QueryEngines.promql(storage, config.query(), telemetry.meter("query"));
        // Rules evaluate through PromQL, or LogQL when only LogQL parses the expression (RuleQueryEngine).
        alerting = AlertingService.start(config.alerting(), new RuleQueryEngine(engine, logQueries), storage, storage,
                telemetry.meter("alerting"),
                java.time.Clock.systemUTC(), System::getenv);
        AccessControl access = new AccessControl(config.security());
        // INFO once: which listeners are protected how (the secrets themselves are redacted).
        log.info("listener security {}", config.security());
        ingest = startIngest(access);
        List<Route> routes = new ArrayList<>(AdminRoutes.create(ready::get, telemetry.reader()));
        routes.add(Wiring.otlpMetricsRoute(ingest));
        routes.add(Wiring.remoteWriteRoute(ingest));
        routes.addAll(TsdbAdminRoutes.create(storage));
        routes.addAll(alerting.routes());
        reloadOnSighup();
        api = ApiServer.start(config.api(), access.api(), engine, storage, logQueries, logs, traceQueries, traces, routes,
                telemetry.meter("http"));
        if (config.telemetry().selfScrapeIntervalMillis() > 0) {
            selfScraper = SelfScraper.start(telemetry.reader(), storage, hostPort(api.port()),
                    config.telemetry().selfScrapeIntervalMillis());
        }
        heapGovernor = HeapGovernor.startIfUseful(telemetry.meter("server"));
        ready.set(true);
        String apiUrl = (config.security().apiTls() == null ? "http://" : "https://") + hostPort(api.port());
        log.info("Sightline {} started in {} ms [data_dir={}, api={}, otlp_grpc={}{}, otlp_http={}{}/v1/metrics, /v1/logs and /v1/traces, loki={}/loki/api/v1, tempo={}]",
                BuildInfo.version(), (System.nanoTime() - t0) / 1_000_000, config.dataDir().toAbsolutePath().normalize(),
                apiUrl, hostPort(ingest.grpcPort()), config.security().grpcTls() == null ? "" : " (TLS)",
                config.security().otlpHttpTls() == null ? "http://" : "https://", hostPort(ingest.httpPort()), apiUrl, apiUrl);
    }

    private String hostPort(int port) {
        String host = config.listenAddress().contains(":") ? "[" + config.listenAddress() + "]" : config.listenAddress();
        return host + ":" + port;
    }

    private IngestService startIngest(AccessControl access) {
        try {
            return IngestService.start(config.ingest(), storage, logs, config.logs().ingest(), traces, config.traces().ingest(),
                    telemetry.meter("ingest"), access.ingest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the OTLP servers on " + config.listenAddress() + ": " + e.getMessage(), e);
        }
    }

    public int httpPort() {
        return api.port();
    }

    public int otlpGrpcPort() {
        return ingest.grpcPort();
    }

    public int otlpHttpPort() {
        return ingest.httpPort();
    }

    /**
     * SIGHUP reloads the alerting config, as in Prometheus. sun.misc.Signal is the only JDK hook for it; where the
     * platform has no HUP (Windows) reload stays available over HTTP.
     */
    private void reloadOnSighup() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
                String err = reloadAlerting();
                if (err != null) {
                    log.error("reload on SIGHUP failed, keeping the previous alerting config: {}", err);
                }
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.info("SIGHUP is not available here; reload with POST /-/reload [reason={}]", e.getMessage());
        }
    }

    /** Re-reads rule files and the alerting config (SIGHUP, {@code POST /-/reload}); null on success, else the error. */
    public String reloadAlerting() {
        AlertingService a = alerting;
        return a == null || closed.get() ? "Sightline is not running" : a.reload();
    }

    public boolean isReady() {
        return ready.get();
    }

    /** Graceful stop: refuse new work, finish in-flight requests, flush and close files. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ready.set(false);
        log.info("Sightline stopping");
        closeQuietly("heap governor", heapGovernor);
        closeQuietly("self-monitoring", selfScraper);
        closeQuietly("ingest", ingest);
        closeQuietly("http api", api);
        closeQuietly("alerting", alerting);
        closeQuietly("trace store", traces);
        closeQuietly("log store", logs);
        closeQuietly("storage", storage);
        closeQuietly("telemetry", telemetry);
        log.info("Sightline stopped");
    }

    private static void closeQuietly(String what, AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.error("failed to close {} cleanly", what, e);
        }
    }
}
