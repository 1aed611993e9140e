package io.sightline.alerting.rule;

import io.sightline.alerting.state.ActiveAlert;
import io.sightline.alerting.state.Alert;
import io.sightline.alerting.state.AlertState;
import io.sightline.alerting.template.Template;
import io.sightline.alerting.template.TemplateException;
import io.sightline.query.Value;
import io.sightline.storage.model.Labels;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code alert:} each result sample becomes an alert keyed by its labels (minus {@code __name__}, plus the rule's
 * templated labels and {@code alertname}); pending until {@code for} elapsed, then firing; resolved when the
 * sample is gone (after {@code keep_firing_for}). Writes {@code ALERTS} and {@code ALERTS_FOR_STATE}.
 */
public final class AlertingRule extends Rule {
    static final String ALERTS = "ALERTS";
    static final String ALERTS_FOR_STATE = "ALERTS_FOR_STATE";

    /** Read by API threads; written only by the group thread. */
    private final Map<Labels, ActiveAlert> active = new ConcurrentHashMap<>();
    /** Whether the pending state was restored after start-up; until then {@code ALERTS_FOR_STATE} is not written. */
    volatile boolean isRestored;

    AlertingRule(RuleSpec spec) {
        super(spec);
    }

    @Override
    List<Output> evaluate(long tsMillis, long queryMillis, EvalContext ctx, int limit) {
        List<Value.Sample> samples = query(ctx, spec.expr(), queryMillis);
        Map<Labels, Value.Sample> current = new LinkedHashMap<>();
        Map<Labels, Map<String, String>> annotationsByAlert = new HashMap<>();
        Template.QueryFunction templateQuery = expr -> {
            List<Template.Sample> out = new ArrayList<>();
            for (Value.Sample s : query(ctx, expr, queryMillis)) {
                out.add(new Template.Sample(s.labels().toMap(), s.value()));
            }
            return out;
        };
        for (Value.Sample s : samples) {
            Labels seriesLabels = s.labels().withoutMetricName();
            Template.Data data = new Template.Data(seriesLabels.toMap(), ctx.externalLabels(), ctx.externalUrl(), s.value());
            Labels.Builder b = seriesLabels.toBuilder();
            for (Map.Entry<String, Template> e : spec.labelTemplates().entrySet()) {
                b.set(e.getKey(), expand(e.getValue(), data, templateQuery));
            }
            b.set("alertname", spec.name());
            Labels alertLabels = b.build();
            if (current.put(alertLabels, s) != null) {
                throw new IllegalStateException("vector contains metrics with the same labelset after applying alert labels: " + alertLabels);
            }
            Map<String, String> annotations = new LinkedHashMap<>();
            for (Map.Entry<String, Template> e : spec.annotationTemplates().entrySet()) {
                annotations.put(e.getKey(), expand(e.getValue(), data, templateQuery));
            }
            annotationsByAlert.put(alertLabels, Collections.unmodifiableMap(annotations));
        }
        for (Map.Entry<Labels, Value.Sample> e : current.entrySet()) {
            ActiveAlert a = active.get(e.getKey());
            Map<String, String> ann = annotationsByAlert.get(e.getKey());
            if (a != null && a.state() != AlertState.INACTIVE) {
                a.seen(e.getValue().value(), ann);
            } else {
                active.put(e.getKey(), new ActiveAlert(e.getKey(), ann, e.getValue().value(), tsMillis));
            }
        }
        List<Output> out = new ArrayList<>();
        for (Map.Entry<Labels, ActiveAlert> e : new ArrayList<>(active.entrySet())) {
            ActiveAlert a = e.getValue();
            if (!current.containsKey(e.getKey())) {
                if (!a.missing(tsMillis, spec.keepFiringForMillis(), ctx.resolvedRetentionMillis())) {
                    active.remove(e.getKey());
                }
            } else {
                a.advance(tsMillis, spec.forMillis());
            }
            if (a.state() != AlertState.INACTIVE && active.containsKey(e.getKey())) {
                out.add(new Output(a.labels().toBuilder().set(Labels.METRIC_NAME, ALERTS)
                        .set("alertstate", a.state().apiName()).build(), 1));
                if (isRestored) {
                    out.add(new Output(a.labels().toBuilder().set(Labels.METRIC_NAME, ALERTS_FOR_STATE).build(),
                            a.activeAtMillis() / 1000.0));
                }
            }
        }
        if (limit > 0 && countActive() > limit) {
            active.clear();
            throw new IllegalStateException("exceeded limit of " + limit + " with " + current.size() + " alerts");
        }
        return out;
    }

    private long countActive() {
        return active.values().stream().filter(a -> a.state() != AlertState.INACTIVE).count();
    }

    private static String expand(Template t, Template.Data data, Template.QueryFunction q) {
        try {
            return t.execute(data, q);
        } catch (TemplateException | io.sightline.query.QueryException e) {
            return "<error expanding template: " + e.getMessage() + ">";
        }
    }

    /** The alerts that must go to notification now (Prometheus's sendAlerts). */
    List<Alert> alertsToSend(long tsMillis, long intervalMillis, EvalContext ctx) {
        List<Alert> out = new ArrayList<>();
        long validFor = 4 * Math.max(ctx.resendDelayMillis(), intervalMillis);
        String url = generatorUrl(ctx.externalUrl(), spec.expr());
        for (ActiveAlert a : active.values()) {
            if (a.needsSending(tsMillis, ctx.resendDelayMillis())) {
                out.add(a.sent(tsMillis, validFor, url));
            }
        }
        return out;
    }

    /** Prometheus's graph link for an expression. */
    public static String generatorUrl(String externalUrl, String expr) {
        String base = externalUrl.endsWith("/") ? externalUrl.substring(0, externalUrl.length() - 1) : externalUrl;
        return base + "/graph?g0.expr=" + URLEncoder.encode(expr, StandardCharsets.UTF_8).replace("+", "%20") + "&g0.tab=1";
    }

    /** Alerts in pending, firing or recently resolved state, for the API. */
    public List<ActiveAlert.Snapshot> alerts() {
        List<ActiveAlert.Snapshot> out = new ArrayList<>();
        for (ActiveAlert a : active.values()) {
            out.add(a.snapshot());
        }
        return out;
    }

    /** The most severe state of its alerts: firing, pending or inactive. */
    public AlertState state() {
        AlertState max = AlertState.INACTIVE;
        for (ActiveAlert a : active.values()) {
            if (a.state().ordinal() > max.ordinal()) {
                max = a.state();
            }
        }
        return max;
    }

    Map<Labels, ActiveAlert> activeMap() {
        return active;
    }

    /** Takes over the alerts of the same rule from before a reload. */
    void inheritFrom(AlertingRule old) {
        active.putAll(old.active);
        isRestored = old.isRestored;
    }
}
