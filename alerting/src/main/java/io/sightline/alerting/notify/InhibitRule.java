package io.sightline.alerting.notify;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** Alertmanager's inhibit rule: a firing source alert mutes matching target alerts with the same {@code equal} labels. */
public record InhibitRule(List<Matcher> sourceMatchers, List<Matcher> targetMatchers, List<String> equal) {

    /** Whether {@code target} is muted by one of the firing alerts. */
    public boolean mutes(Labels target, Collection<Labels> firing) {
        return !sources(target, firing).isEmpty();
    }

    /** The firing alerts that mute {@code target} through this rule (the API's {@code inhibitedBy}). */
    public List<Labels> sources(Labels target, Collection<Labels> firing) {
        if (!all(targetMatchers, target)) {
            return List.of();
        }
        List<Labels> out = new java.util.ArrayList<>();
        for (Labels source : firing) {
            if (source.equals(target) && all(targetMatchers, source)) {
                continue; // an alert that is both source and target does not inhibit itself
            }
            if (all(sourceMatchers, source) && equalLabels(source, target)) {
                out.add(source);
            }
        }
        return out;
    }

    private boolean equalLabels(Labels a, Labels b) {
        for (String l : equal) {
            if (!Objects.equals(a.get(l), b.get(l))) {
                return false;
            }
        }
        return true;
    }

    static boolean all(List<Matcher> ms, Labels l) {
        for (Matcher m : ms) {
            if (!m.matches(l.get(m.name()))) {
                return false;
            }
        }
        return true;
    }
}
