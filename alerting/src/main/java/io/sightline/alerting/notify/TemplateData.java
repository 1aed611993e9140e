package io.sightline.alerting.notify;

import io.sightline.alerting.notify.webhook.WebhookIntegration;
import io.sightline.alerting.template.GoTime;
import io.sightline.alerting.template.GoValue;
import io.sightline.alerting.template.TemplateException;
import io.sightline.storage.model.Labels;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alertmanager's notification template data ({@code template.Data}) built from a {@link Notification}, so
 * existing templates work: {@code .Status}, {@code .Receiver}, {@code .Alerts} with {@code .Firing} and
 * {@code .Resolved}, {@code .GroupLabels}, {@code .CommonLabels}, {@code .CommonAnnotations} (maps with
 * {@code .SortedPairs}, {@code .Names}, {@code .Values}, {@code .Remove}), {@code .ExternalURL}, {@code .GroupKey}.
 * Each alert has {@code .Status}, {@code .Labels}, {@code .Annotations}, {@code .StartsAt}, {@code .EndsAt},
 * {@code .GeneratorURL}, {@code .Fingerprint}, and Sightline's {@code .Value} (the expression's value).
 */
final class TemplateData {
    private TemplateData() {
    }

    static Map<String, Object> of(Notification n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Receiver", WebhookIntegration.quoteMeta(n.receiver()));
        m.put("Status", n.status());
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (Notification.NotifiedAlert a : n.alerts()) {
            alerts.add(alert(a));
        }
        m.put("Alerts", MethodList.alerts(alerts));
        m.put("GroupLabels", new KV(n.groupLabels()));
        m.put("CommonLabels", new KV(n.commonLabels()));
        m.put("CommonAnnotations", new KV(n.commonAnnotations()));
        m.put("ExternalURL", n.externalUrl());
        m.put("GroupKey", n.groupKey());
        m.put("TruncatedAlerts", (double) n.truncatedAlerts());
        return m;
    }

    private static Map<String, Object> alert(Notification.NotifiedAlert a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Status", a.status());
        m.put("Labels", new KV(labels(a.labels())));
        m.put("Annotations", new KV(a.annotations()));
        m.put("StartsAt", GoTime.utc(a.startsAtMillis()));
        m.put("EndsAt", GoTime.utc(a.isFiring() || a.endsAtMillis() == 0 ? GoTime.ZERO : a.endsAtMillis()));
        m.put("GeneratorURL", a.generatorUrl());
        m.put("Fingerprint", a.fingerprint());
        m.put("Value", a.value());
        return m;
    }

    private static Map<String, String> labels(Labels l) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < l.size(); i++) {
            m.put(l.name(i), l.value(i));
        }
        return m;
    }

    /** Alertmanager's {@code template.KV}: a sorted string map with methods. */
    static final class KV extends TreeMap<String, String> implements GoValue {
        KV(Map<String, String> m) {
            super(m);
        }

        @Override
        public Object get(String name, List<Object> args) {
            return switch (name) {
                case "SortedPairs" -> {
                    List<Map<String, Object>> pairs = new ArrayList<>();
                    forEach((k, v) -> pairs.add(Map.of("Name", k, "Value", v)));
                    yield MethodList.pairs(pairs);
                }
                case "Names" -> List.copyOf(keySet());
                case "Values" -> List.copyOf(values());
                case "Remove" -> {
                    if (args.size() != 1 || !(args.getFirst() instanceof Collection<?> names)) {
                        throw new TemplateException("Remove takes one list of label names");
                    }
                    KV out = new KV(this);
                    names.forEach(x -> out.remove(String.valueOf(x)));
                    yield out;
                }
                default -> ABSENT;
            };
        }
    }

    /**
     * A list with Go-style methods computed from its elements: Alertmanager's {@code template.Pairs}
     * ({@code .Names}, {@code .Values}) and {@code template.Alerts} ({@code .Firing}, {@code .Resolved}).
     */
    static final class MethodList extends AbstractList<Map<String, Object>> implements GoValue {
        private final List<Map<String, Object>> items;
        private final Map<String, java.util.function.Function<List<Map<String, Object>>, Object>> methods;

        private MethodList(List<Map<String, Object>> items,
                           Map<String, java.util.function.Function<List<Map<String, Object>>, Object>> methods) {
            this.items = items;
            this.methods = methods;
        }

        static MethodList pairs(List<Map<String, Object>> pairs) {
            return new MethodList(pairs, Map.of(
                    "Names", l -> l.stream().map(p -> p.get("Name")).toList(),
                    "Values", l -> l.stream().map(p -> p.get("Value")).toList()));
        }

        static MethodList alerts(List<Map<String, Object>> alerts) {
            return new MethodList(alerts, Map.of(
                    "Firing", l -> alerts(l.stream().filter(a -> a.get("Status").equals("firing")).toList()),
                    "Resolved", l -> alerts(l.stream().filter(a -> a.get("Status").equals("resolved")).toList())));
        }

        @Override
        public Map<String, Object> get(int index) {
            return items.get(index);
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public Object get(String name, List<Object> args) {
            var m = methods.get(name);
            return m == null ? ABSENT : m.apply(items);
        }
    }
}
