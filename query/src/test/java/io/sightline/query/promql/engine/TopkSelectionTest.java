package io.sightline.query.promql.engine;

import io.sightline.query.promql.function.StepSeries;
import io.sightline.storage.model.Labels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** topk/bottomk's bounded selection picks exactly what a stable sort of all candidates puts first. */
class TopkSelectionTest {
    @Test
    void selectingTheFirstKAgreesWithAStableSortIncludingTiesAndNaN() {
        SplittableRandom r = new SplittableRandom(3);
        double[] pool = {Double.NaN, -0.0, 0.0, 1, 1, 2, 3, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int c = 0; c < 5_000; c++) {
            int n = r.nextInt(40);
            List<StepSeries> members = new ArrayList<>();
            for (int s = 0; s < n; s++) {
                StepSeries x = new StepSeries(Labels.of("s", Integer.toString(s)), 1);
                if (r.nextInt(5) > 0) {
                    x.set(0, r.nextBoolean() ? pool[r.nextInt(pool.length)] : r.nextInt(10));
                }
                members.add(x);
            }
            int k = 1 + r.nextInt(16);
            boolean top = r.nextBoolean();
            StepSeries[] sorted = new StepSeries[n];
            StepSeries[] selected = new StepSeries[n];
            int all = AggregateEvaluator.sortAll(members, 0, top, sorted);
            int first = AggregateEvaluator.selectFirst(members, 0, k, top, selected);

            assertThat(first).isEqualTo(Math.min(all, k));
            assertThat(Arrays.copyOf(selected, first)).as("case %d", c).containsExactly(Arrays.copyOf(sorted, first));
        }
    }
}
