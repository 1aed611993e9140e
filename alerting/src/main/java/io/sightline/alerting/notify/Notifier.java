package io.sightline.alerting.notify;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.alerting.state.Alert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The notification side (an in-process Alertmanager): dispatcher, silences, notification log, outbox and one
 * delivery worker per integration, with state files under {@code stateDir}. Thread-safe.
 */
public final class Notifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);

    /**
     * @param tickMillis            how often groups are checked for a due flush (the granularity of group_wait)
     * @param initialBackoffMillis  first retry delay; doubles per attempt up to {@code maxBackoffMillis}
     */
    public record Settings(Path stateDir, String externalUrl, long tickMillis, long initialBackoffMillis,
                           long maxBackoffMillis) {
    }

    private final Settings settings;
    private final Clock clock;
    private final NotifyMetrics metrics;
    private final NotificationLog nflog;
    private final Outbox outbox;
    private final Silences silences;
    private final Dispatcher dispatcher;
    /**
     * The client the receivers without {@code http_config} of their own share; built by the first such receiver
     * (building one loads the JDK's TLS stack, ~600 classes, and starts a selector thread). Guarded by workersLock.
     */
    private HttpClient http;
    private final Object workersLock = new Object();
    private final Map<String, DeliveryWorker> workers = new HashMap<>();
    private final Map<String, Integration> integrations = new HashMap<>();
    private volatile boolean isClosed;
    private Thread ticker;

    public Notifier(Settings settings, Clock clock, Meter meter) {
        this.settings = settings;
        this.clock = clock;
        this.metrics = new NotifyMetrics(meter);
        this.nflog = new NotificationLog(settings.stateDir().resolve("nflog.json"));
        this.outbox = new Outbox(settings.stateDir().resolve("outbox.json"));
        this.silences = new Silences(settings.stateDir().resolve("silences.json"));
        this.dispatcher = new Dispatcher(clock, nflog, outbox, silences, settings.externalUrl(), this::wake);
        // Alert when this stays above zero: some receiver has been unreachable for a while.
        meter.gaugeBuilder("sightline_alerting_notifications_pending").ofLongs()
                .setDescription("Notifications in the durable outbox, not yet delivered")
                .buildWithCallback(m -> m.record(outbox.size()));
        if (outbox.size() > 0) {
            log.info("notification outbox has pending notifications from before the restart [count={}]", outbox.size());
        }
    }

    /** Starts the dispatcher's ticker thread (tests may call {@link #tick()} themselves instead). */
    public void start() {
        ticker = Thread.ofPlatform().daemon().name("sightline-notify-dispatcher").start(() -> {
            while (!isClosed) {
                try {
                    dispatcher.tick();
                } catch (Throwable t) {
                    log.error("notification dispatch failed", t);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(settings.tickMillis()));
            }
        });
    }

    /** Applies a (re)loaded configuration: new receivers get workers, removed ones lose theirs and their outbox entries. */
    public void configure(NotifyConfig config) {
        synchronized (workersLock) {
            Map<String, Integration> next = new HashMap<>();
            Map<String, String> receiverOf = new HashMap<>();
            config.receivers().forEach((name, list) -> list.forEach(i -> {
                next.put(Integration.key(name, i), i);
                receiverOf.put(Integration.key(name, i), name);
            }));
            Set<String> keys = new HashSet<>(workers.keySet());
            for (String k : keys) {
                if (!next.containsKey(k) || !next.get(k).equals(integrations.get(k))) {
                    workers.remove(k).close();
                    integrations.remove(k);
                }
            }
            int dropped = outbox.retainIntegrations(next.keySet());
            if (dropped > 0) {
                log.warn("dropped pending notifications of receivers no longer configured [count={}]", dropped);
            }
            next.forEach((k, i) -> {
                if (!workers.containsKey(k)) {
                    HttpClient shared = i.http().needsOwnClient() ? null : sharedHttp();
                    workers.put(k, new DeliveryWorker(receiverOf.get(k), i, outbox, nflog, shared, clock, metrics,
                            settings.initialBackoffMillis(), settings.maxBackoffMillis()));
                    integrations.put(k, i);
                }
            });
        }
        dispatcher.configure(config);
    }

    /** Alerts from rule evaluation (Prometheus's NotifyFunc). */
    public void send(List<Alert> alerts) {
        dispatcher.receive(alerts);
    }

    /** Flushes due groups now. */
    public int tick() {
        return dispatcher.tick();
    }

    public Silences silences() {
        return silences;
    }

    public List<Alert> alerts() {
        return dispatcher.alerts();
    }

    /** Unresolved alerts with receivers and suppression (Alertmanager's {@code GET /api/v2/alerts}). */
    public List<AlertStatus> alertStatuses() {
        return dispatcher.alertStatuses();
    }

    /** Aggregation groups (Alertmanager's {@code GET /api/v2/alerts/groups}). */
    public List<AlertStatus.Group> groupStatuses() {
        return dispatcher.groupStatuses();
    }

    /** The configuration in force. */
    public NotifyConfig config() {
        return dispatcher.config();
    }

    /** The outbox's entries, for tests. */
    List<Outbox.Entry> pendingEntries() {
        return outbox.all();
    }

    /** Pending notifications not yet delivered. */
    public int pendingCount() {
        return outbox.size();
    }

    private void wake(String receiver, Integration i) {
        synchronized (workersLock) {
            DeliveryWorker w = workers.get(Integration.key(receiver, i));
            if (w != null) {
                w.wake();
            }
        }
    }

    @Override
    public void close() {
        if (isClosed) {
            return;
        }
        isClosed = true;
        if (ticker != null) {
            LockSupport.unpark(ticker);
            try {
                ticker.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (workersLock) {
            workers.values().forEach(DeliveryWorker::close);
            workers.clear();
            if (http != null) {
                http.close();
            }
        }
    }

    private HttpClient sharedHttp() {
        if (http == null) {
            http = HttpClients.shared();
        }
        return http;
    }
}
