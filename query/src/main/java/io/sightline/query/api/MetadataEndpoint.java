package io.sightline.query.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sightline.query.HttpCall;
import io.sightline.query.QueryException;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageException;
import io.sightline.storage.model.MetricMetadata;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /api/v1/metadata}: metric family name to its metadata list, names sorted. {@code limit} caps the
 * names ({@code 0} gives none, negative all, as in Prometheus), {@code limit_per_metric} the entries per name.
 */
final class MetadataEndpoint {
    private final Storage storage;

    MetadataEndpoint(Storage storage) {
        this.storage = storage;
    }

    Reply metadata(HttpCall call) {
        int limit = Params.number(call, "limit", -1);
        int limitPerMetric = Params.number(call, "limit_per_metric", -1);
        String metric = call.param("metric");
        Map<String, List<MetricMetadata>> found;
        try {
            found = limit == 0 ? Map.of() : storage.metadata(metric == null || metric.isEmpty() ? null : metric,
                    Math.max(limit, 0));
        } catch (StorageException e) {
            throw new QueryException(QueryException.ErrorType.EXECUTION, e.getMessage(), -1, e);
        }
        Map<String, List<MetricMetadata>> sorted = new TreeMap<>(found);
        return Reply.success(out -> {
            JsonGenerator g = out.gen();
            g.writeStartObject();
            int names = 0;
            for (Map.Entry<String, List<MetricMetadata>> e : sorted.entrySet()) {
                if (limit > 0 && names++ >= limit) {
                    break;
                }
                g.writeFieldName(e.getKey());
                g.writeStartArray();
                int n = 0;
                for (MetricMetadata m : e.getValue()) {
                    if (limitPerMetric > 0 && n++ >= limitPerMetric) {
                        break;
                    }
                    g.writeStartObject();
                    g.writeStringField("type", m.type());
                    g.writeStringField("help", m.help());
                    g.writeStringField("unit", m.unit());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }, List.of(), List.of());
    }
}
