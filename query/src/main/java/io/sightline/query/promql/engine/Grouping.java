package io.sightline.query.promql.engine;

import io.sightline.query.promql.function.MetricName;
import io.sightline.query.promql.parser.Expr;
import io.sightline.storage.model.Labels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Assigns series to the groups of an aggregation as dense ids in first-seen order. For {@code by (...)} the
 * lookup key is the grouping labels' values, so a group's label set is built once per group, not per series.
 */
final class Grouping {
    private final Expr.Aggregate a;
    private final String[] byNames;
    private final Map<Object, Integer> ids = new HashMap<>();
    private final List<Labels> labels = new ArrayList<>();
    private ValuesKey probe;

    Grouping(Expr.Aggregate a) {
        this.a = a;
        this.byNames = a.without() ? null : a.grouping().toArray(new String[0]);
        this.probe = byNames == null ? null : new ValuesKey(new String[byNames.length]);
    }

    /** The group of a series with these labels. */
    int groupOf(Labels l) {
        if (byNames == null) {
            Labels key = labelsOf(l);
            Integer id = ids.get(key);
            return id != null ? id : add(key, key);
        }
        for (int i = 0; i < byNames.length; i++) {
            probe.values[i] = l.get(byNames[i]);
        }
        probe.rehash();
        Integer id = ids.get(probe);
        if (id != null) {
            return id;
        }
        ValuesKey key = probe;
        probe = new ValuesKey(new String[byNames.length]);
        return add(key, labelsOf(l));
    }

    private int add(Object key, Labels groupLabels) {
        int id = labels.size();
        ids.put(key, id);
        labels.add(groupLabels);
        return id;
    }

    int size() {
        return labels.size();
    }

    Labels labels(int group) {
        return labels.get(group);
    }

    private Labels labelsOf(Labels l) {
        if (a.without()) {
            Labels.Builder b = MetricName.drop(l).toBuilder();
            for (String n : a.grouping()) {
                b.remove(n);
            }
            return b.build();
        }
        Labels.Builder b = Labels.builder();
        for (String n : byNames) {
            b.set(n, l.get(n));
        }
        return b.build();
    }

    /** The grouping labels' values of a series (null where it lacks one). */
    private static final class ValuesKey {
        final String[] values;
        private int hash;

        ValuesKey(String[] values) {
            this.values = values;
        }

        void rehash() {
            hash = Arrays.hashCode(values);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ValuesKey k && Arrays.equals(values, k.values);
        }
    }
}
