package io.sightline.ingest.otlp;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.MetricMetadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The translator's output model for pure translation tests: every sample and metadata call, in order. */
final class RecordingSink implements SampleSink {
    record Sample(Labels labels, long timestampMillis, double value, long refPassed) {
    }

    final List<Sample> samples = new ArrayList<>();
    final Map<String, MetricMetadata> metadata = new LinkedHashMap<>();
    /** When set, samples of this metric name are refused with this storage code. */
    String refuseName;
    long refuseCode;

    @Override
    public long append(long ref, Labels labels, long timestampMillis, double value) {
        if (labels.metricName().equals(refuseName)) {
            return refuseCode;
        }
        samples.add(new Sample(labels, timestampMillis, value, ref));
        // Refs identify series: the index of the first sample with equal labels, plus one.
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i).labels().equals(labels)) {
                return i + 1;
            }
        }
        throw new AssertionError("unreachable");
    }

    @Override
    public void metadata(String family, MetricMetadata md) {
        metadata.put(family, md);
    }

    /** The samples whose metric name is {@code name}. */
    List<Sample> named(String name) {
        return samples.stream().filter(s -> s.labels().metricName().equals(name)).toList();
    }

    /** The one sample of the series with exactly these labels. */
    Sample series(String... nameValues) {
        Labels want = Labels.of(nameValues);
        List<Sample> found = samples.stream().filter(s -> s.labels().equals(want)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one sample of " + want + ", found " + found + " among " + samples);
        }
        return found.get(0);
    }
}
