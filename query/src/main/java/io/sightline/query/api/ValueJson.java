package io.sightline.query.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sightline.query.Value;
import io.sightline.storage.model.StaleMarker;

import java.io.IOException;
import java.util.List;

/**
 * Writes a PromQL {@link Value} as Prometheus's {@code result}: scalar and string as {@code [t, "v"]}, vector as
 * {@code [{"metric":{..},"value":[t,"v"]}]}, matrix as {@code [{"metric":{..},"values":[[t,"v"],..]}]}.
 * Staleness markers are never written (a series with nothing else is left out).
 */
final class ValueJson {
    private ValueJson() {
    }

    /**
     * @param limit at most this many series (vector samples or matrix series); 0 means all
     */
    static void write(JsonOut out, Value value, int limit) throws IOException {
        JsonGenerator g = out.gen();
        switch (value) {
            case Value.Scalar s -> out.point(s.timestampMillis(), s.value());
            case Value.StringValue s -> {
                g.writeStartArray();
                out.timestamp(s.timestampMillis());
                g.writeString(s.value());
                g.writeEndArray();
            }
            case Value.Vector v -> vector(out, v.samples(), limit);
            case Value.Matrix m -> matrix(out, m.series(), limit);
        }
    }

    /** Whether writing with {@code limit} leaves series out. */
    static boolean truncates(Value value, int limit) {
        if (limit <= 0) {
            return false;
        }
        return switch (value) {
            case Value.Vector v -> v.samples().size() > limit;
            case Value.Matrix m -> m.series().size() > limit;
            default -> false;
        };
    }

    private static void vector(JsonOut out, List<Value.Sample> samples, int limit) throws IOException {
        JsonGenerator g = out.gen();
        int end = limit > 0 ? Math.min(limit, samples.size()) : samples.size();
        g.writeStartArray();
        for (int i = 0; i < end; i++) {
            Value.Sample s = samples.get(i);
            if (StaleMarker.isStale(s.value())) {
                continue;
            }
            g.writeStartObject();
            g.writeFieldName("metric");
            out.labels(s.labels());
            g.writeFieldName("value");
            out.point(s.timestampMillis(), s.value());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void matrix(JsonOut out, List<Value.SeriesPoints> series, int limit) throws IOException {
        JsonGenerator g = out.gen();
        int end = limit > 0 ? Math.min(limit, series.size()) : series.size();
        g.writeStartArray();
        for (int i = 0; i < end; i++) {
            Value.SeriesPoints s = series.get(i);
            if (!hasLivePoint(s)) {
                continue;
            }
            g.writeStartObject();
            g.writeFieldName("metric");
            out.labels(s.labels());
            g.writeFieldName("values");
            g.writeStartArray();
            long[] ts = s.timestamps();
            double[] vs = s.values();
            for (int j = 0; j < s.count(); j++) {
                if (!StaleMarker.isStale(vs[j])) {
                    out.point(ts[j], vs[j]);
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static boolean hasLivePoint(Value.SeriesPoints s) {
        double[] vs = s.values();
        for (int j = 0; j < s.count(); j++) {
            if (!StaleMarker.isStale(vs[j])) {
                return true;
            }
        }
        return false;
    }
}
