package io.sightline.alerting.notify;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A node of Alertmanager's routing tree with inherited options resolved. Immutable.
 *
 * @param groupBy     label names to group by; empty means one group; {@code isGroupByAll} for {@code ...}
 * @param key         Alertmanager's route key: {@code {}} for the root, {@code {}/{team="db"}} below; siblings
 *                    with equal matchers share it, so it names groups in messages but does not identify the route
 * @param id          the route's position in the tree ({@code 0/2/1}), unique; aggregation groups are per id
 * @param muteTimeIntervals   names of time intervals during which the route sends nothing
 * @param activeTimeIntervals names of time intervals outside which the route sends nothing; empty means always
 */
public record RouteNode(String receiver, List<Matcher> matchers, List<String> groupBy, boolean isGroupByAll,
                        long groupWaitMillis, long groupIntervalMillis, long repeatIntervalMillis, boolean isContinue,
                        List<RouteNode> children, String key, String id, List<String> muteTimeIntervals,
                        List<String> activeTimeIntervals) {

    /** The routes an alert goes to, depth first (Alertmanager's Route.Match). */
    public List<RouteNode> match(Labels labels) {
        List<RouteNode> out = new ArrayList<>();
        if (!matches(labels)) {
            return out;
        }
        for (RouteNode c : children) {
            List<RouteNode> m = c.match(labels);
            out.addAll(m);
            if (!m.isEmpty() && !c.isContinue) {
                break;
            }
        }
        if (out.isEmpty()) {
            out.add(this);
        }
        return out;
    }

    private boolean matches(Labels labels) {
        for (Matcher m : matchers) {
            if (!m.matches(labels.get(m.name()))) {
                return false;
            }
        }
        return true;
    }

    /** The labels an alert is grouped on in this route. */
    public Labels groupLabels(Labels alertLabels) {
        if (isGroupByAll) {
            return alertLabels;
        }
        Labels.Builder b = Labels.builder();
        for (String l : groupBy) {
            b.set(l, alertLabels.get(l));
        }
        return b.build();
    }

    static String matchersKey(List<Matcher> matchers) {
        return matchers.stream().map(Matcher::toString).collect(Collectors.joining(",", "{", "}"));
    }
}
