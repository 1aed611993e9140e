package io.sightline.alerting.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.alerting.notify.Json;
import io.sightline.alerting.rule.AlertingRule;
import io.sightline.alerting.rule.RecordingRule;
import io.sightline.alerting.rule.Rule;
import io.sightline.alerting.rule.RuleGroup;
import io.sightline.alerting.state.ActiveAlert;
import io.sightline.alerting.state.AlertState;
import io.sightline.query.HttpCall;
import io.sightline.query.HttpResult;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** {@code /api/v1/rules} and {@code /api/v1/alerts} in Prometheus's JSON shape (what Grafana reads). */
public final class RulesApi {
    private final Supplier<List<RuleGroup>> groups;

    public RulesApi(Supplier<List<RuleGroup>> groups) {
        this.groups = groups;
    }

    public HttpResult rules(HttpCall call) {
        String type = call.param("type");
        if (type != null && !type.equals("alert") && !type.equals("record")) {
            return ApiJson.error(400, "bad_data", "invalid query parameter type: \"" + type + "\" (use alert or record)");
        }
        Set<String> names = paramSet(call, "rule_name[]");
        Set<String> groupNames = paramSet(call, "rule_group[]");
        Set<String> files = paramSet(call, "file[]");
        boolean isExcludingAlerts = "true".equals(call.param("exclude_alerts"));
        ObjectNode data = ApiJson.MAPPER.createObjectNode();
        ArrayNode arr = data.putArray("groups");
        for (RuleGroup g : groups.get()) {
            if (!groupNames.isEmpty() && !groupNames.contains(g.spec().name())
                    || !files.isEmpty() && !files.contains(g.spec().file())) {
                continue;
            }
            ObjectNode gn = ApiJson.MAPPER.createObjectNode();
            gn.put("name", g.spec().name());
            gn.put("file", g.spec().file());
            ArrayNode rules = gn.putArray("rules");
            for (Rule r : g.rules()) {
                boolean isAlert = r instanceof AlertingRule;
                if (type != null && isAlert != type.equals("alert") || !names.isEmpty() && !names.contains(r.spec().name())) {
                    continue;
                }
                rules.add(rule(r, isExcludingAlerts));
            }
            if (rules.isEmpty() && (type != null || !names.isEmpty())) {
                continue;
            }
            gn.put("interval", g.spec().intervalMillis() / 1000.0);
            gn.put("limit", g.spec().limit());
            gn.put("evaluationTime", g.evaluationNanos() / 1e9);
            gn.put("lastEvaluation", lastEval(g.lastEvaluationMillis()));
            arr.add(gn);
        }
        return ApiJson.success(data);
    }

    private static ObjectNode rule(Rule r, boolean isExcludingAlerts) {
        ObjectNode n = ApiJson.MAPPER.createObjectNode();
        if (r instanceof AlertingRule ar) {
            n.put("state", ar.state().apiName());
            n.put("name", r.spec().name());
            n.put("query", r.spec().expr());
            n.put("duration", r.spec().forMillis() / 1000.0);
            n.put("keepFiringFor", r.spec().keepFiringForMillis() / 1000.0);
            n.set("labels", Json.map(r.spec().labels()));
            n.set("annotations", Json.map(r.spec().annotations()));
            if (!isExcludingAlerts) {
                ArrayNode alerts = n.putArray("alerts");
                for (ActiveAlert.Snapshot a : ar.alerts()) {
                    if (a.state() != AlertState.INACTIVE) {
                        alerts.add(alert(a));
                    }
                }
            }
        } else if (r instanceof RecordingRule) {
            n.put("name", r.spec().name());
            n.put("query", r.spec().expr());
            n.set("labels", Json.map(r.spec().labels()));
        }
        n.put("health", r.health());
        n.put("lastError", r.lastError());
        n.put("evaluationTime", r.evaluationNanos() / 1e9);
        n.put("lastEvaluation", lastEval(r.lastEvaluationMillis()));
        n.put("type", r instanceof AlertingRule ? "alerting" : "recording");
        return n;
    }

    public HttpResult alerts(HttpCall call) {
        ObjectNode data = ApiJson.MAPPER.createObjectNode();
        ArrayNode arr = data.putArray("alerts");
        for (RuleGroup g : groups.get()) {
            for (Rule r : g.rules()) {
                if (r instanceof AlertingRule ar) {
                    for (ActiveAlert.Snapshot a : ar.alerts()) {
                        if (a.state() != AlertState.INACTIVE) {
                            arr.add(alert(a));
                        }
                    }
                }
            }
        }
        return ApiJson.success(data);
    }

    private static ObjectNode alert(ActiveAlert.Snapshot a) {
        ObjectNode x = ApiJson.MAPPER.createObjectNode();
        x.set("labels", Json.labels(a.labels()));
        x.set("annotations", Json.map(a.annotations()));
        x.put("state", a.state().apiName());
        x.put("activeAt", Json.time(a.activeAtMillis()));
        if (a.keepFiringSinceMillis() > 0) {
            x.put("keepFiringSince", Json.time(a.keepFiringSinceMillis()));
        }
        x.put("value", ApiJson.floatE(a.value()));
        return x;
    }

    private static String lastEval(long millis) {
        return millis == 0 ? Json.ZERO_TIME : Json.time(millis);
    }

    private static Set<String> paramSet(HttpCall call, String name) {
        List<String> v = call.params().get(name);
        return v == null ? Set.of() : Set.copyOf(v);
    }
}
