package io.sightline.alerting.rule;

import io.sightline.query.Value;
import io.sightline.storage.model.Labels;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code record:} evaluates the expression and writes each result sample under the new metric name. */
public final class RecordingRule extends Rule {
    RecordingRule(RuleSpec spec) {
        super(spec);
    }

    @Override
    List<Output> evaluate(long tsMillis, long queryMillis, EvalContext ctx, int limit) {
        List<Value.Sample> samples = query(ctx, spec.expr(), queryMillis);
        List<Output> out = new ArrayList<>(samples.size());
        Set<Labels> seen = new HashSet<>();
        for (Value.Sample s : samples) {
            Labels.Builder b = s.labels().toBuilder().set(Labels.METRIC_NAME, spec.name());
            for (Map.Entry<String, String> e : spec.labels().entrySet()) {
                b.set(e.getKey(), e.getValue());
            }
            Labels l = b.build();
            if (!seen.add(l)) {
                throw new IllegalStateException("vector contains metrics with the same labelset after applying rule labels: " + l);
            }
            out.add(new Output(l, s.value()));
        }
        if (limit > 0 && out.size() > limit) {
            throw new IllegalStateException("exceeded limit of " + limit + " with " + out.size() + " series");
        }
        return out;
    }
}
