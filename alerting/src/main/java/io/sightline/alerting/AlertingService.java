package io.sightline.alerting;

import io.opentelemetry.api.metrics.Meter;
import io.sightline.alerting.api.AlertmanagerApi;
import io.sightline.alerting.api.RulesApi;
import io.sightline.alerting.api.SilencesApi;
import io.sightline.alerting.notify.NotifyConfig;
import io.sightline.alerting.notify.NotifyConfigParser;
import io.sightline.alerting.notify.Notifier;
import io.sightline.alerting.rule.EngineExpressionChecker;
import io.sightline.alerting.rule.EvalContext;
import io.sightline.alerting.rule.RuleFileParser;
import io.sightline.alerting.rule.RuleLoadException;
import io.sightline.alerting.rule.RuleManager;
import io.sightline.alerting.rule.RuleMetrics;
import io.sightline.query.HttpResult;
import io.sightline.query.QueryEngine;
import io.sightline.query.Route;
import io.sightline.storage.Appendable;
import io.sightline.storage.Queryable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Sightline's alerting: Prometheus rule evaluation plus an in-process Alertmanager (routing, grouping,
 * inhibition, silences, durable delivery). Start with {@link #start}; add {@link #routes()} to the HTTP API;
 * {@link #reload()} on SIGHUP or {@code POST /-/reload}. Thread-safe; {@link #close()} is idempotent.
 */
public final class AlertingService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertingService.class);

    private final AlertingConfig config;
    private final Clock clock;
    private final UnaryOperator<String> env;
    private final Notifier notifier;
    private final RuleManager rules;
    private final Object reloadLock = new Object();
    private volatile boolean isClosed;

    private AlertingService(AlertingConfig config, QueryEngine engine, Queryable queryable, Appendable appendable,
                            Meter meter, Clock clock, UnaryOperator<String> env) {
        this.config = config;
        this.clock = clock;
        this.env = env;
        this.notifier = new Notifier(new Notifier.Settings(config.stateDir(), config.externalUrl(), config.notifyTickMillis(),
                config.retryInitialBackoffMillis(), config.retryMaxBackoffMillis()), clock, meter);
        EvalContext ctx = new EvalContext(engine, appendable, queryable, config.externalLabels(), config.externalUrl(),
                notifier::send, config.resendDelayMillis(), 15 * 60_000, config.outageToleranceMillis(),
                config.forGracePeriodMillis(), new RuleMetrics(meter));
        this.rules = new RuleManager(new RuleFileParser(new EngineExpressionChecker(engine), config.evaluationIntervalMillis()),
                ctx, clock, true);
    }

    /**
     * Loads the rule files and the notification config, then starts evaluation and delivery.
     *
     * @param env environment lookup for {@code ${VAR}} references in the notification config (the server passes
     *            {@code System::getenv}; this module never reads the environment itself)
     * @throws IllegalArgumentException when a rule file or the notification config is invalid; the message lists
     *                                  every error with file, group and rule
     */
    public static AlertingService start(AlertingConfig config, QueryEngine engine, Queryable queryable,
                                        Appendable appendable, Meter meter, Clock clock, UnaryOperator<String> env) {
        AlertingService s = new AlertingService(config, engine, queryable, appendable, meter, clock, env);
        try {
            s.notifier.configure(s.loadNotifyConfig());
            s.rules.load(config.ruleFiles());
            s.notifier.start();
            return s;
        } catch (RuleLoadException e) {
            s.close();
            throw new IllegalArgumentException("invalid rule files:\n" + e.getMessage(), e);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private NotifyConfig loadNotifyConfig() {
        if (config.notifyConfigFile() == null) {
            return NotifyConfig.NONE;
        }
        return new NotifyConfigParser(env, config.externalUrl(), config.notifyTimeoutMillis()).parse(config.notifyConfigFile());
    }

    /**
     * Re-reads rule files and the notification config. Either all of it applies or none: on any error the running
     * rules and routes stay as they were and the returned message says what is wrong.
     *
     * @return null on success, else the error
     */
    public String reload() {
        synchronized (reloadLock) {
            try {
                NotifyConfig nc = loadNotifyConfig();
                rules.load(config.ruleFiles());
                notifier.configure(nc);
                log.info("alerting configuration reloaded");
                return null;
            } catch (RuleLoadException | IllegalArgumentException | java.io.UncheckedIOException e) {
                log.error("alerting reload failed, keeping the previous rules and routes: {}", e.getMessage());
                return e.getMessage();
            }
        }
    }

    /**
     * The HTTP routes: rules and alerts (Prometheus), alerts, groups, status, receivers and silences (Alertmanager
     * API v2), and {@code /-/reload}.
     */
    public List<Route> routes() {
        Apis apis = new Apis();
        Set<String> get = Set.of("GET");
        return List.of(
                new Route(get, "/api/v1/rules", false, call -> apis.rules().rules(call)),
                new Route(get, "/api/v1/alerts", false, call -> apis.rules().alerts(call)),
                new Route(get, "/api/v2/alerts", false, call -> apis.alertmanager().alerts(call)),
                new Route(get, "/api/v2/alerts/groups", false, call -> apis.alertmanager().groups(call)),
                new Route(get, "/api/v2/status", false, call -> apis.alertmanager().status(call)),
                new Route(get, "/api/v2/receivers", false, call -> apis.alertmanager().receivers(call)),
                new Route(Set.of("GET", "POST"), "/api/v2/silences", false,
                        call -> call.method().equals("POST") ? apis.silences().post(call) : apis.silences().list(call)),
                new Route(Set.of("GET", "DELETE"), SilencesApi.SILENCE_PREFIX, true, call -> apis.silences().one(call)),
                new Route(Set.of("POST", "PUT"), "/-/reload", false, call -> {
                    String err = reload();
                    return err == null ? HttpResult.text(200, "")
                            : HttpResult.text(500, "failed to reload config: " + err + "\n");
                }));
    }

    /** Notifications decided but not yet delivered (the durable outbox). */
    public int pendingNotifications() {
        return notifier.pendingCount();
    }

    @Override
    public void close() {
        if (isClosed) {
            return;
        }
        isClosed = true;
        rules.close();
        notifier.close();
    }

    /**
     * The HTTP APIs, built by the first request to one of them: loading them loads Jackson's databind (~300 classes,
     * metaspace a server never gets back), which a server nobody asks about rules, alerts or silences never needs.
     */
    private final class Apis {
        private final long startedAtMillis = clock.millis();
        private final Object lock = new Object();
        private RulesApi rules; // the three guarded by lock
        private SilencesApi silences;
        private AlertmanagerApi alertmanager;

        RulesApi rules() {
            synchronized (lock) {
                build();
                return rules;
            }
        }

        SilencesApi silences() {
            synchronized (lock) {
                build();
                return silences;
            }
        }

        AlertmanagerApi alertmanager() {
            synchronized (lock) {
                build();
                return alertmanager;
            }
        }

        private void build() {
            if (rules == null) {
                String version = AlertingService.class.getPackage().getImplementationVersion();
                rules = new RulesApi(AlertingService.this.rules::groups);
                silences = new SilencesApi(notifier.silences(), clock);
                alertmanager = new AlertmanagerApi(notifier, clock, version == null ? "dev" : version, startedAtMillis);
            }
        }
    }
}
