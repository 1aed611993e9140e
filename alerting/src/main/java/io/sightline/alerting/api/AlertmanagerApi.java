package io.sightline.alerting.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.sightline.alerting.notify.AlertStatus;
import io.sightline.alerting.notify.Json;
import io.sightline.alerting.notify.Matchers;
import io.sightline.alerting.notify.Notifier;
import io.sightline.query.HttpCall;
import io.sightline.query.HttpResult;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Alertmanager's read API v2 next to the silences: {@code GET /api/v2/alerts}, {@code /api/v2/alerts/groups},
 * {@code /api/v2/status} and {@code /api/v2/receivers}, in Alertmanager's JSON shapes, so Grafana's Alertmanager data
 * source (implementation "Prometheus") and amtool can read Sightline. Alerts filter as in Alertmanager:
 * {@code filter} (repeatable matchers such as {@code alertname="X"}), {@code active}, {@code silenced},
 * {@code inhibited}, {@code muted} (booleans, default true), {@code receiver} (a regex); {@code unprocessed} is
 * accepted and has no effect, since Sightline routes every alert when it arrives. Errors are JSON strings with 400.
 */
public final class AlertmanagerApi {
    /** Values printed as {@code <secret>} in the status's config, as Alertmanager redacts secrets. */
    private static final Set<String> SECRET_KEYS = Set.of("api_url", "webhook_url", "url", "bot_token", "app_token",
            "credentials", "password", "bearer_token", "slack_api_url", "mattermost_webhook_url", "telegram_bot_token",
            "slack_app_token", "secrets", "smtp_auth_password", "smtp_auth_secret", "opsgenie_api_key", "victorops_api_key",
            "wechat_api_secret", "rocketchat_token", "rocketchat_token_id", "routing_key", "service_key", "api_key",
            "client_secret", "token", "user_key", "auth_password", "auth_secret", "api_secret", "alert_source_token");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

    private final Notifier notifier;
    private final Clock clock;
    private final long startedAtMillis;
    private final String version;

    public AlertmanagerApi(Notifier notifier, Clock clock, String version) {
        this(notifier, clock, version, clock.millis());
    }

    /** As above, with the time the server started (the uptime {@code /api/v2/status} reports counts from it). */
    public AlertmanagerApi(Notifier notifier, Clock clock, String version, long startedAtMillis) {
        this.notifier = notifier;
        this.clock = clock;
        this.startedAtMillis = startedAtMillis;
        this.version = version;
    }

    public HttpResult alerts(HttpCall call) {
        return withFilter(call, this::alerts);
    }

    public HttpResult groups(HttpCall call) {
        return withFilter(call, this::groups);
    }

    private static HttpResult withFilter(HttpCall call, java.util.function.Function<Filter, HttpResult> endpoint) {
        Filter f;
        try {
            f = Filter.of(call);
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        }
        return endpoint.apply(f);
    }

    private HttpResult alerts(Filter f) {
        ArrayNode arr = ApiJson.MAPPER.createArrayNode();
        for (AlertStatus s : notifier.alertStatuses()) {
            if (f.accepts(s)) {
                arr.add(alert(s));
            }
        }
        return ApiJson.json(200, arr);
    }

    private HttpResult groups(Filter f) {
        ArrayNode arr = ApiJson.MAPPER.createArrayNode();
        for (AlertStatus.Group g : notifier.groupStatuses()) {
            if (f.receiver != null && !f.receiver.matcher(g.receiver()).matches()) {
                continue;
            }
            ArrayNode alerts = ApiJson.MAPPER.createArrayNode();
            for (AlertStatus s : g.alerts()) {
                if (f.accepts(s)) {
                    alerts.add(alert(s));
                }
            }
            if (alerts.isEmpty()) {
                continue;
            }
            ObjectNode o = arr.addObject();
            o.set("alerts", alerts);
            o.set("labels", Json.labels(g.labels()));
            o.putObject("receiver").put("name", g.receiver());
        }
        return ApiJson.json(200, arr);
    }

    public HttpResult status(HttpCall call) {
        ObjectNode o = ApiJson.MAPPER.createObjectNode();
        ObjectNode cluster = o.putObject("cluster");
        cluster.put("name", "");
        cluster.putArray("peers");
        cluster.put("status", "disabled");
        o.putObject("config").put("original", redacted(notifier.config().original()));
        o.put("uptime", Json.time(startedAtMillis));
        ObjectNode v = o.putObject("versionInfo");
        v.put("branch", "");
        v.put("buildDate", "");
        v.put("buildUser", "");
        v.put("goVersion", "");
        v.put("revision", "");
        v.put("version", version);
        return ApiJson.json(200, o);
    }

    public HttpResult receivers(HttpCall call) {
        ArrayNode arr = ApiJson.MAPPER.createArrayNode();
        for (String name : notifier.config().receivers().keySet()) {
            arr.addObject().put("name", name);
        }
        return ApiJson.json(200, arr);
    }

    /** Alertmanager's {@code gettableAlert}. */
    private static ObjectNode alert(AlertStatus s) {
        ObjectNode x = ApiJson.MAPPER.createObjectNode();
        x.set("annotations", Json.map(s.alert().annotations()));
        x.put("endsAt", Json.time(s.alert().endsAtMillis()));
        x.put("fingerprint", s.alert().fingerprint());
        ArrayNode receivers = x.putArray("receivers");
        s.receivers().forEach(r -> receivers.addObject().put("name", r));
        x.put("startsAt", Json.time(s.alert().startsAtMillis()));
        ObjectNode status = x.putObject("status");
        ArrayNode inhibited = status.putArray("inhibitedBy");
        s.inhibitedBy().forEach(inhibited::add);
        ArrayNode silenced = status.putArray("silencedBy");
        s.silencedBy().forEach(silenced::add);
        ArrayNode muted = status.putArray("mutedBy");
        s.mutedBy().forEach(muted::add);
        status.put("state", s.state());
        x.put("updatedAt", Json.time(s.updatedAtMillis()));
        x.put("generatorURL", s.alert().generatorUrl());
        x.set("labels", Json.labels(s.alert().labels()));
        return x;
    }

    /** The config file with every secret value replaced, as Alertmanager shows it. */
    static String redacted(String original) {
        if (original == null || original.isBlank()) {
            return "";
        }
        try {
            JsonNode root = YAML.readTree(original);
            if (root == null) {
                return "";
            }
            redact(root);
            return YAML.writeValueAsString(root);
        } catch (IOException e) {
            return ""; // the running config parsed; a file that no longer does is not shown
        }
    }

    private static void redact(JsonNode n) {
        if (n instanceof ObjectNode o) {
            List<String> keys = new ArrayList<>();
            o.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                JsonNode v = o.get(k);
                if (SECRET_KEYS.contains(k) && (v.isValueNode() || v.isArray()) && !v.isNull()) {
                    o.put(k, "<secret>");
                } else {
                    redact(v);
                }
            }
        } else if (n instanceof ArrayNode a) {
            a.forEach(AlertmanagerApi::redact);
        }
    }

    private static HttpResult error(String message) {
        return ApiJson.json(400, ApiJson.MAPPER.getNodeFactory().textNode(message));
    }

    /** The query parameters of {@code GET /api/v2/alerts} and {@code /api/v2/alerts/groups}. */
    private record Filter(List<Matcher> matchers, boolean isActive, boolean isSilenced, boolean isInhibited,
                          boolean isMuted, Pattern receiver) {
        static Filter of(HttpCall call) {
            List<Matcher> ms = new ArrayList<>();
            for (String f : call.params().getOrDefault("filter", List.of())) {
                try {
                    ms.addAll(Matchers.parseAll(List.of(f)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("bad matcher format: " + f + ": " + e.getMessage(), e);
                }
            }
            Pattern receiver = null;
            String r = call.param("receiver");
            if (r != null && !r.isEmpty()) {
                try {
                    receiver = Pattern.compile("^(?:" + r + ")$");
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("failed to parse receiver param: " + e.getDescription(), e);
                }
            }
            return new Filter(List.copyOf(ms), bool(call, "active"), bool(call, "silenced"), bool(call, "inhibited"),
                    bool(call, "muted"), receiver);
        }

        private static boolean bool(HttpCall call, String name) {
            String v = call.param(name);
            if (v == null || v.isEmpty()) {
                return true;
            }
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException(name + " in query must be of type boolean: \"" + v + "\"");
            }
            return v.equals("true");
        }

        boolean accepts(AlertStatus s) {
            Labels l = s.alert().labels();
            for (Matcher m : matchers) {
                if (!m.matches(l.get(m.name()))) {
                    return false;
                }
            }
            if (receiver != null && s.receivers().stream().noneMatch(x -> receiver.matcher(x).matches())) {
                return false;
            }
            if (!isSilenced && !s.silencedBy().isEmpty() || !isInhibited && !s.inhibitedBy().isEmpty()
                    || !isMuted && !s.mutedBy().isEmpty()) {
                return false;
            }
            return isActive || !s.state().equals("active");
        }
    }
}
