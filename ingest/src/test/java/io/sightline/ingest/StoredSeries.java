package io.sightline.ingest;

import io.sightline.storage.Querier;
import io.sightline.storage.SampleIterator;
import io.sightline.storage.Series;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.Storage;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads what ingest wrote back through the real storage Querier. */
final class StoredSeries {
    private StoredSeries() {
    }

    /** Every series matching {@code matchers} with its values, oldest first. */
    static Map<Labels, List<Double>> read(Storage storage, Matcher... matchers) {
        Map<Labels, List<Double>> out = new TreeMap<>();
        try (Querier q = storage.querier(0, Long.MAX_VALUE / 2)) {
            SeriesSet set = q.select(true, matchers);
            SampleIterator it = null;
            while (set.next()) {
                Series s = set.at();
                it = s.iterator(it);
                List<Double> values = new ArrayList<>();
                while (it.next()) {
                    values.add(it.value());
                }
                out.put(s.labels(), values);
            }
        }
        return out;
    }

    /** Every stored series. */
    static Map<Labels, List<Double>> all(Storage storage) {
        return read(storage, Matcher.of(Matcher.Type.RE, Labels.METRIC_NAME, ".+"));
    }

    /** The values of the one series with exactly these labels; empty when absent. */
    static List<Double> values(Storage storage, String... nameValues) {
        Labels want = Labels.of(nameValues);
        return read(storage, Matcher.eq(Labels.METRIC_NAME, want.metricName())).getOrDefault(want, List.of());
    }
}
