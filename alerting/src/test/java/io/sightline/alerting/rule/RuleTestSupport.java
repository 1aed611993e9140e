package io.sightline.alerting.rule;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.sightline.alerting.state.Alert;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryEngine;
import io.sightline.query.QueryEngines;
import io.sightline.query.QueryOptions;
import io.sightline.query.Value;
import io.sightline.storage.Appender;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.model.Labels;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real store and engine on a temp dir, and a rule manager whose groups the test evaluates at chosen times. */
final class RuleTestSupport implements AutoCloseable {
    static final Meter METER = OpenTelemetry.noop().getMeter("test");
    static final long GRACE_MILLIS = 10_000;

    final Storage storage;
    final QueryEngine engine;
    final List<Alert> sent = new CopyOnWriteArrayList<>();
    final RuleManager manager;

    RuleTestSupport(Path dir) {
        storage = Storage.open(StorageConfig.defaults(dir), METER);
        engine = QueryEngines.promql(storage, QueryConfig.defaults(), METER);
        EvalContext ctx = new EvalContext(engine, storage, storage, Map.of("cluster", "eu1"), "http://sightline:9090",
                sent::addAll, 60_000, 900_000, 3_600_000, GRACE_MILLIS, new RuleMetrics(METER));
        manager = new RuleManager(new RuleFileParser(new EngineExpressionChecker(engine), 15_000), ctx,
                java.time.Clock.systemUTC(), false);
    }

    /** deploy/rules of the repository, found by walking up from the module directory. */
    static Path deployRules() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !java.nio.file.Files.isDirectory(p.resolve("deploy/rules"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new AssertionError("no deploy/rules above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("deploy/rules");
    }

    /** Each alerting rule's state by alert name, after asserting that every rule evaluated without error. */
    java.util.Map<String, io.sightline.alerting.state.AlertState> alertStatesOfHealthyRules() {
        java.util.Map<String, io.sightline.alerting.state.AlertState> states = new java.util.HashMap<>();
        for (RuleGroup g : manager.groups()) {
            for (Rule r : g.rules()) {
                if (!"ok".equals(r.health())) {
                    throw new AssertionError(r.spec().name() + " is " + r.health() + ": " + r.lastError());
                }
                if (r instanceof AlertingRule ar) {
                    states.put(r.spec().name(), ar.state());
                }
            }
        }
        return states;
    }

    /** The label pairs plus one more. */
    static String[] with(String[] labels, String name, String value) {
        String[] out = java.util.Arrays.copyOf(labels, labels.length + 2);
        out[labels.length] = name;
        out[labels.length + 1] = value;
        return out;
    }

    void write(String metric, long t, double v, String... labels) {
        Appender a = storage.appender();
        Labels l = Labels.of(labels).toBuilder().set(Labels.METRIC_NAME, metric).build();
        a.append(0, l, t, v);
        a.commit();
    }

    void evaluateAll(long t) {
        for (RuleGroup g : manager.groups()) {
            g.evaluate(t);
        }
    }

    List<Value.Sample> query(String expr, long t) {
        return ((Value.Vector) engine.instantQuery(expr, t, QueryOptions.DEFAULT).value()).samples();
    }

    @Override
    public void close() {
        manager.close();
        storage.close();
    }
}
