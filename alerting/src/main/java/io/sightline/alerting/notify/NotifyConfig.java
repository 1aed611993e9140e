package io.sightline.alerting.notify;

import java.util.List;
import java.util.Map;

/** A parsed Alertmanager configuration. Immutable. */
public record NotifyConfig(RouteNode route, List<InhibitRule> inhibitRules, Map<String, List<Integration>> receivers) {
    /** No config file: no route, nothing is sent (alerts still show in the API). */
    public static final NotifyConfig NONE = new NotifyConfig(null, List.of(), Map.of());
}
