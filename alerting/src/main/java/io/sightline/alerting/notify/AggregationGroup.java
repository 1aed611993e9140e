package io.sightline.alerting.notify;

import io.sightline.alerting.state.Alert;
import io.sightline.storage.model.Labels;

import java.util.LinkedHashMap;
import java.util.Map;

/** Alerts of one route that share the route's {@code group_by} values. Used only under the dispatcher's lock. */
final class AggregationGroup {
    final RouteNode route;
    final Labels groupLabels;
    final String groupKey;
    final Map<String, Alert> alerts = new LinkedHashMap<>();
    long nextFlushMillis;

    AggregationGroup(RouteNode route, Labels groupLabels, long nowMillis) {
        this.route = route;
        this.groupLabels = groupLabels;
        this.groupKey = route.key() + ":" + groupLabels;
        this.nextFlushMillis = nowMillis + route.groupWaitMillis();
    }
}
