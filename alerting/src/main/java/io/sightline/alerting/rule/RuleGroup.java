package io.sightline.alerting.rule;

import io.sightline.alerting.state.ActiveAlert;
import io.sightline.alerting.state.Alert;
import io.sightline.alerting.state.AlertState;
import io.sightline.storage.Appender;
import io.sightline.storage.Querier;
import io.sightline.storage.SampleIterator;
import io.sightline.storage.Series;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import io.sightline.storage.model.StaleMarker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A rule group at run time: evaluates its rules in order every interval on its own named daemon thread, writes
 * their output (with stale markers for series that disappeared) in one append batch, and passes alerts to
 * notification. {@link #evaluate(long)} may also be called directly (tests, with an injected clock), but not
 * concurrently with the thread.
 */
public final class RuleGroup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RuleGroup.class);

    private final GroupSpec spec;
    private final List<Rule> rules;
    private final EvalContext ctx;
    private final Object lifecycleLock = new Object();
    private Set<Labels> previousSeries = new HashSet<>();
    private volatile boolean shouldRestore;
    private volatile boolean isStopped;
    private volatile long lastEvaluationMillis;
    private volatile long evaluationNanos;
    private Thread thread;

    RuleGroup(GroupSpec spec, EvalContext ctx, boolean shouldRestore) {
        this.spec = spec;
        this.ctx = ctx;
        this.shouldRestore = shouldRestore;
        List<Rule> rs = new ArrayList<>();
        for (RuleSpec r : spec.rules()) {
            AlertingRule ar = r.isAlerting() ? new AlertingRule(r) : null;
            if (ar != null) {
                ar.isRestored = !shouldRestore;
            }
            rs.add(r.isAlerting() ? ar : new RecordingRule(r));
        }
        this.rules = List.copyOf(rs);
    }

    public GroupSpec spec() {
        return spec;
    }

    public List<Rule> rules() {
        return rules;
    }

    public long lastEvaluationMillis() {
        return lastEvaluationMillis;
    }

    public long evaluationNanos() {
        return evaluationNanos;
    }

    /** Takes over alert state and written series of the same rules from the group this one replaces. */
    void inheritFrom(RuleGroup old) {
        Map<String, Rule> byKey = new java.util.HashMap<>();
        for (Rule r : old.rules) {
            byKey.putIfAbsent(r.spec.stateKey(), r);
        }
        for (Rule r : rules) {
            if (r instanceof AlertingRule ar && byKey.get(r.spec.stateKey()) instanceof AlertingRule prev) {
                ar.inheritFrom(prev);
            }
        }
        previousSeries = new HashSet<>(old.previousSeries);
        shouldRestore = false;
    }

    /** Starts the evaluation thread; the first evaluation is at the next multiple of the interval. */
    void start(Clock clock) {
        synchronized (lifecycleLock) {
            thread = Thread.ofPlatform().daemon().name("sightline-rule-group-" + spec.name()).unstarted(() -> run(clock));
            thread.start();
        }
    }

    private void run(Clock clock) {
        long interval = spec.intervalMillis();
        // A per-group offset spreads groups over the interval, as Prometheus does, so they don't all query at once.
        long offset = Math.floorMod(spec.key().hashCode(), interval);
        long next = ((clock.millis() - offset) / interval + 1) * interval + offset;
        while (!isStopped) {
            long wait = next - clock.millis();
            if (wait > 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(wait));
                continue;
            }
            try {
                evaluate(next);
            } catch (Throwable t) {
                log.error("rule group evaluation failed [group={}, file={}]", spec.name(), spec.file(), t);
            }
            long now = clock.millis();
            long missed = (now - next) / interval;
            if (missed > 0) {
                log.warn("rule group missed {} evaluations [group={}, interval_ms={}]", missed, spec.name(), interval);
            }
            next += (missed + 1) * interval;
        }
    }

    /** Evaluates every rule at {@code tsMillis}, writes the output, and notifies. */
    public void evaluate(long tsMillis) {
        long t0 = System.nanoTime();
        Set<Labels> written = new HashSet<>();
        List<Alert> toSend = new ArrayList<>();
        Appender app = ctx.appendable().appender();
        boolean committed = false;
        try {
            for (Rule r : rules) {
                long r0 = System.nanoTime();
                boolean failed = false;
                try {
                    for (Rule.Output o : r.evaluate(tsMillis, tsMillis - spec.queryOffsetMillis(), ctx, spec.limit())) {
                        if (written.add(o.labels())) {
                            app.append(0, o.labels(), tsMillis, o.value());
                        }
                    }
                    r.health = "ok";
                    r.lastError = "";
                } catch (RuntimeException e) {
                    failed = true;
                    r.health = "err";
                    r.lastError = e.getMessage() == null ? e.toString() : e.getMessage();
                    log.warn("rule evaluation failed [group={}, rule={}, error={}]", spec.name(), r.spec.name(), r.lastError);
                }
                r.lastEvaluationMillis = tsMillis;
                r.evaluationNanos = System.nanoTime() - r0;
                ctx.metrics().evaluated(spec.name(), failed, r.evaluationNanos);
                if (r instanceof AlertingRule ar) {
                    if (shouldRestore) {
                        restore(ar, tsMillis);
                    }
                    toSend.addAll(ar.alertsToSend(tsMillis, spec.intervalMillis(), ctx));
                }
            }
            for (Labels gone : previousSeries) {
                if (!written.contains(gone)) {
                    app.append(0, gone, tsMillis, StaleMarker.VALUE);
                }
            }
            app.commit();
            committed = true;
        } finally {
            if (!committed) {
                app.rollback();
            }
        }
        previousSeries = written;
        shouldRestore = false;
        lastEvaluationMillis = tsMillis;
        evaluationNanos = System.nanoTime() - t0;
        if (!toSend.isEmpty()) {
            ctx.notifier().accept(toSend);
        }
    }

    /**
     * Prometheus's RestoreForState: after the first evaluation since start-up, pending alerts take the
     * {@code activeAt} kept in {@code ALERTS_FOR_STATE} so {@code for} does not start over. Downtime does not
     * count toward {@code for}, and an alert fires no sooner than {@code forGracePeriod} after start-up.
     */
    private void restore(AlertingRule rule, long tsMillis) {
        rule.isRestored = true;
        long hold = rule.spec.forMillis();
        if (hold == 0 || hold < ctx.forGracePeriodMillis()) {
            return; // it could not fire sooner than the grace period anyway (as Prometheus)
        }
        long mint = tsMillis - Math.max(ctx.outageToleranceMillis(), hold);
        try (Querier q = ctx.queryable().querier(mint, tsMillis - 1)) {
            for (ActiveAlert a : rule.activeMap().values()) {
                if (a.state() != AlertState.PENDING) {
                    continue;
                }
                List<Matcher> ms = new ArrayList<>();
                ms.add(Matcher.eq(Labels.METRIC_NAME, AlertingRule.ALERTS_FOR_STATE));
                for (int i = 0; i < a.labels().size(); i++) {
                    ms.add(Matcher.eq(a.labels().name(i), a.labels().value(i)));
                }
                SeriesSet set = q.select(false, ms.toArray(Matcher[]::new));
                long lastT = -1;
                double lastV = Double.NaN;
                while (set.next()) {
                    Series s = set.at();
                    if (s.labels().size() != a.labels().size() + 1) {
                        continue; // a superset of labels belongs to another alert
                    }
                    SampleIterator it = s.iterator(null);
                    while (it.next()) {
                        if (!StaleMarker.isStale(it.value()) && it.timestamp() >= lastT) {
                            lastT = it.timestamp();
                            lastV = it.value();
                        }
                    }
                }
                if (lastT < 0) {
                    continue;
                }
                long restoredActiveAt = (long) (lastV * 1000);
                long downAt = lastT;
                long spentPending = downAt - restoredActiveAt;
                long remaining = hold - spentPending;
                long newActiveAt;
                if (remaining <= 0) {
                    newActiveAt = restoredActiveAt; // it had fired before the restart
                } else if (remaining < ctx.forGracePeriodMillis()) {
                    newActiveAt = tsMillis + ctx.forGracePeriodMillis() - hold;
                } else {
                    newActiveAt = restoredActiveAt + (tsMillis - downAt);
                }
                a.restoreActiveAt(Math.min(newActiveAt, tsMillis));
                log.info("restored alert state [alert={}, labels={}, active_at_ms={}]", rule.spec.name(), a.labels(), a.activeAtMillis());
            }
        } catch (RuntimeException e) {
            log.warn("cannot restore alert state from {} [alert={}]", AlertingRule.ALERTS_FOR_STATE, rule.spec.name(), e);
        }
    }

    /**
     * Ends the series this group wrote with stale markers, as Prometheus does for a group removed by a reload, so
     * queries stop seeing them at once instead of after the lookback delta. Call after {@link #close()}.
     */
    void markStale(long tsMillis) {
        if (previousSeries.isEmpty()) {
            return;
        }
        Appender app = ctx.appendable().appender();
        try {
            for (Labels l : previousSeries) {
                app.append(0, l, tsMillis, StaleMarker.VALUE);
            }
            app.commit();
        } catch (RuntimeException e) {
            app.rollback();
            log.warn("cannot write stale markers for removed rule group [group={}]", spec.name(), e);
        }
        previousSeries = new HashSet<>();
    }

    /** Stops the thread and waits for an evaluation in progress to finish. Idempotent. */
    @Override
    public void close() {
        Thread t;
        synchronized (lifecycleLock) {
            isStopped = true;
            t = thread;
            thread = null;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
