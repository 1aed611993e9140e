package io.sightline.query.logql;

import io.sightline.query.QueryException;
import io.sightline.storage.model.Labels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code sum/avg/min/max/count/stddev/stdvar/topk/bottomk/sort/sort_desc [by|without (...)]} per step. */
final class Aggregations {
    private Aggregations() {
    }

    static StepSeries apply(Expr.VectorAggregation a, StepSeries in, int steps) {
        if (in.isScalar) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, a.op() + " needs a vector, got a number");
        }
        return switch (a.op()) {
            case "topk", "bottomk" -> topk(a, in, steps);
            case "sort", "sort_desc" -> sort(a.op().equals("sort_desc"), in, steps);
            default -> reduce(a, in, steps);
        };
    }

    private static Map<Labels, List<double[]>> groups(Expr.Grouping grouping, StepSeries in) {
        Map<Labels, List<double[]>> groups = new LinkedHashMap<>();
        for (Map.Entry<Labels, double[]> e : in.series.entrySet()) {
            Labels key = grouping == null ? Labels.EMPTY : MetricEvaluator.group(e.getKey(), grouping);
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(e.getValue());
        }
        return groups;
    }

    private static StepSeries reduce(Expr.VectorAggregation a, StepSeries in, int steps) {
        Map<Labels, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<Labels, List<double[]>> g : groups(a.grouping(), in).entrySet()) {
            double[] values = new double[steps];
            boolean any = false;
            for (int k = 0; k < steps; k++) {
                int n = 0;
                double sum = 0;
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (double[] s : g.getValue()) {
                    double v = s[k];
                    if (!Double.isNaN(v)) {
                        n++;
                        sum += v;
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
                if (n == 0) {
                    values[k] = Double.NaN;
                    continue;
                }
                any = true;
                double mean = sum / n;
                values[k] = switch (a.op()) {
                    case "sum" -> sum;
                    case "avg" -> mean;
                    case "min" -> min;
                    case "max" -> max;
                    case "count" -> n;
                    default -> {
                        double sq = 0;
                        for (double[] s : g.getValue()) {
                            if (!Double.isNaN(s[k])) {
                                sq += (s[k] - mean) * (s[k] - mean);
                            }
                        }
                        yield a.op().equals("stddev") ? Math.sqrt(sq / n) : sq / n;
                    }
                };
            }
            if (any) {
                out.put(g.getKey(), values);
            }
        }
        return new StepSeries(false, out);
    }

    private static StepSeries topk(Expr.VectorAggregation a, StepSeries in, int steps) {
        int k = (int) a.param();
        boolean top = a.op().equals("topk");
        Map<Labels, double[]> out = new LinkedHashMap<>();
        List<Map.Entry<Labels, double[]>> all = new ArrayList<>(in.series.entrySet());
        Map<Labels, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
            Labels key = a.grouping() == null ? Labels.EMPTY : MetricEvaluator.group(all.get(i).getKey(), a.grouping());
            groups.computeIfAbsent(key, x -> new ArrayList<>()).add(i);
        }
        for (int step = 0; step < steps; step++) {
            final int s = step;
            for (List<Integer> members : groups.values()) {
                List<Integer> present = new ArrayList<>(members.stream().filter(i -> !Double.isNaN(all.get(i).getValue()[s])).toList());
                present.sort((x, y) -> top ? Double.compare(all.get(y).getValue()[s], all.get(x).getValue()[s])
                        : Double.compare(all.get(x).getValue()[s], all.get(y).getValue()[s]));
                for (int i = 0; i < Math.min(k, present.size()); i++) {
                    Map.Entry<Labels, double[]> e = all.get(present.get(i));
                    double[] v = out.computeIfAbsent(e.getKey(), x -> {
                        double[] nan = new double[steps];
                        Arrays.fill(nan, Double.NaN);
                        return nan;
                    });
                    v[s] = e.getValue()[s];
                }
            }
        }
        return new StepSeries(false, out);
    }

    /** Orders series by their value at the last step (instant queries are one step). */
    private static StepSeries sort(boolean descending, StepSeries in, int steps) {
        List<Map.Entry<Labels, double[]>> all = new ArrayList<>(in.series.entrySet());
        all.sort((x, y) -> {
            int c = Double.compare(x.getValue()[steps - 1], y.getValue()[steps - 1]);
            return descending ? -c : c;
        });
        Map<Labels, double[]> out = new LinkedHashMap<>();
        all.forEach(e -> out.put(e.getKey(), e.getValue()));
        return new StepSeries(false, out);
    }
}
