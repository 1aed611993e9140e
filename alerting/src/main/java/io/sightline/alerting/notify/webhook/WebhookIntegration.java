package io.sightline.alerting.notify.webhook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.alerting.notify.ConfigReader;
import io.sightline.alerting.notify.Globals;
import io.sightline.alerting.notify.HttpSettings;
import io.sightline.alerting.notify.Integration;
import io.sightline.alerting.notify.Json;
import io.sightline.alerting.notify.Notification;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code webhook_configs}: POSTs Alertmanager's version 4 JSON, so existing webhook consumers work unchanged.
 * Keys: {@code url} | {@code url_file}, {@code send_resolved} (default true), {@code max_alerts}, {@code timeout},
 * {@code http_config}. Alertmanager's newer {@code payload} (a custom body) and templated URLs stop the load: the
 * consumer would get a different body than configured.
 */
public record WebhookIntegration(int index, URI url, boolean shouldSendResolved, int maxAlerts, long timeoutMillis,
                                 HttpSettings http) implements Integration {

    public static Integration parse(ConfigReader r, int index, Globals g) {
        r.allowOnly(Set.of("url", "url_file", "send_resolved", "max_alerts", "timeout", "http_config", "payload"));
        r.rejectUnsupported("custom webhook bodies are not implemented; the body is Alertmanager's version 4 JSON",
                "payload");
        if (r.string("url", "").contains("{{")) {
            throw new IllegalArgumentException(r.where() + ".url: templated webhook URLs are not supported by Sightline");
        }
        int maxAlerts = r.integer("max_alerts", 0);
        if (maxAlerts < 0) {
            throw new IllegalArgumentException(r.where() + ".max_alerts: must not be negative, got " + maxAlerts);
        }
        return new WebhookIntegration(index, r.url("url", "url_file", null), r.bool("send_resolved", true), maxAlerts,
                r.durationMillis("timeout", g.defaultTimeoutMillis()), r.http(g));
    }

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public byte[] body(Notification n) {
        return Json.bytes(message(n, maxAlerts));
    }

    /** Alertmanager's webhook Message, field order as Alertmanager writes it. */
    public static ObjectNode message(Notification n, int maxAlerts) {
        List<Notification.NotifiedAlert> alerts = n.alerts();
        int truncated = 0;
        if (maxAlerts > 0 && alerts.size() > maxAlerts) {
            truncated = alerts.size() - maxAlerts;
            alerts = alerts.subList(0, maxAlerts);
        }
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("version", "4");
        m.put("groupKey", n.groupKey());
        m.put("truncatedAlerts", truncated + n.truncatedAlerts());
        m.put("status", n.status());
        m.put("receiver", quoteMeta(n.receiver()));
        m.set("groupLabels", Json.map(n.groupLabels()));
        m.set("commonLabels", Json.map(common(alerts, true)));
        m.set("commonAnnotations", Json.map(common(alerts, false)));
        m.set("routeLabels", Json.MAPPER.createObjectNode());
        m.put("externalURL", n.externalUrl());
        m.put("notification_reason", n.reason());
        ArrayNode arr = m.putArray("alerts");
        for (Notification.NotifiedAlert a : alerts) {
            ObjectNode x = arr.addObject();
            x.put("status", a.status());
            x.set("labels", Json.labels(a.labels()));
            x.set("annotations", Json.map(a.annotations()));
            x.put("startsAt", Json.time(a.startsAtMillis()));
            x.put("endsAt", Json.time(a.isFiring() ? 0 : a.endsAtMillis()));
            x.put("generatorURL", a.generatorUrl());
            x.put("fingerprint", a.fingerprint());
        }
        return m;
    }

    /** Labels (or annotations) with the same value in every alert. */
    static Map<String, String> common(List<Notification.NotifiedAlert> alerts, boolean isLabels) {
        Map<String, String> out = null;
        for (Notification.NotifiedAlert a : alerts) {
            Map<String, String> m = isLabels ? a.labels().toMap() : a.annotations();
            if (out == null) {
                out = new LinkedHashMap<>(m);
            } else {
                out.entrySet().removeIf(e -> !e.getValue().equals(m.get(e.getKey())));
            }
        }
        return out == null ? Map.of() : out;
    }

    /** Go's regexp.QuoteMeta, which Alertmanager applies to the receiver name. */
    public static String quoteMeta(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
