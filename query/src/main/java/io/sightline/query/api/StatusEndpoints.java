package io.sightline.query.api;

import io.sightline.query.promql.parser.Strings;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sightline.query.ApiConfig;
import io.sightline.query.HttpCall;
import io.sightline.storage.Querier;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageStats;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /api/v1/status/*} with Prometheus's field names. Where a field is about Go (GOGC, goroutines) it says
 * the nearest JVM fact; the head's chunk count is not known to the storage API and is reported as 0.
 */
final class StatusEndpoints {
    /** Go's time.Time JSON form: RFC 3339 with nanoseconds, trailing zeros trimmed. */
    private static final DateTimeFormatter GO_TIME = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .appendOffset("+HH:MM", "Z")
            .toFormatter()
            .withZone(ZoneOffset.UTC);

    private final ApiConfig.Status status;
    private final Storage storage;
    private final Clock clock;
    private final Instant started;

    StatusEndpoints(ApiConfig.Status status, Storage storage, Clock clock) {
        this.status = status;
        this.storage = storage;
        this.clock = clock;
        this.started = clock.instant();
    }

    Reply buildInfo() {
        return ok(out -> {
            JsonGenerator g = out.gen();
            g.writeStartObject();
            g.writeStringField("version", status.version());
            g.writeStringField("revision", status.revision());
            g.writeStringField("branch", status.branch());
            g.writeStringField("buildUser", status.buildUser());
            g.writeStringField("buildDate", status.buildDate());
            g.writeStringField("goVersion", "java" + Runtime.version().feature());
            g.writeEndObject();
        });
    }

    Reply runtimeInfo() {
        Runtime rt = Runtime.getRuntime();
        String start = GO_TIME.format(started);
        String now = GO_TIME.format(clock.instant());
        return ok(out -> {
            JsonGenerator g = out.gen();
            g.writeStartObject();
            g.writeStringField("startTime", start);
            g.writeStringField("CWD", Path.of("").toAbsolutePath().toString());
            g.writeStringField("hostname", hostname());
            g.writeStringField("serverTime", now);
            g.writeBooleanField("reloadConfigSuccess", true);
            g.writeStringField("lastConfigTime", start);
            g.writeNumberField("corruptionCount", 0);
            g.writeNumberField("goroutineCount", Thread.activeCount());
            g.writeNumberField("GOMAXPROCS", rt.availableProcessors());
            g.writeNumberField("GOMEMLIMIT", rt.maxMemory());
            g.writeStringField("GOGC", "");
            g.writeStringField("GODEBUG", "");
            g.writeStringField("storageRetention", status.storageRetention());
            g.writeEndObject();
        });
    }

    Reply flags() {
        Map<String, String> sorted = new TreeMap<>(status.flags());
        return ok(out -> {
            JsonGenerator g = out.gen();
            g.writeStartObject();
            for (Map.Entry<String, String> e : sorted.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        });
    }

    Reply config() {
        return ok(out -> {
            out.gen().writeStartObject();
            out.gen().writeStringField("yaml", status.configYaml());
            out.gen().writeEndObject();
        });
    }

    /**
     * Head statistics and the cardinality lists over the head's time range; Prometheus's {@code limit} (default 10,
     * a positive integer) caps each list.
     */
    Reply tsdb(HttpCall call) {
        int limit = tsdbLimit(call.param("limit"));
        StorageStats s = storage.stats();
        Cardinality c = headCardinality(s);
        return ok(out -> {
            JsonGenerator g = out.gen();
            g.writeStartObject();
            g.writeFieldName("headStats");
            g.writeStartObject();
            g.writeNumberField("numSeries", s.headSeries());
            g.writeNumberField("numLabelPairs", c.labelPairs());
            g.writeNumberField("chunkCount", 0);
            g.writeNumberField("minTime", s.headMinTimeMillis());
            g.writeNumberField("maxTime", s.headMaxTimeMillis());
            g.writeEndObject();
            stats(g, "seriesCountByMetricName", c.seriesCountByMetricName(limit));
            stats(g, "labelValueCountByLabelName", c.labelValueCountByLabelName(limit));
            stats(g, "memoryInBytesByLabelName", c.memoryInBytesByLabelName(limit));
            stats(g, "seriesCountByLabelValuePair", c.seriesCountByLabelValuePair(limit));
            g.writeEndObject();
        });
    }

    private Cardinality headCardinality(StorageStats s) {
        if (s.headSeries() == 0) {
            return new Cardinality();
        }
        try (Querier q = storage.querier(s.headMinTimeMillis(), s.headMaxTimeMillis())) {
            return Cardinality.count(q);
        }
    }

    private static int tsdbLimit(String limit) {
        if (limit == null || limit.isEmpty()) {
            return 10;
        }
        try {
            int n = Integer.parseInt(limit);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw Params.badData("limit must be a positive number, got " + Strings.goQuote(limit));
    }

    private static void stats(JsonGenerator g, String field, List<Cardinality.Stat> stats) throws IOException {
        g.writeFieldName(field);
        g.writeStartArray();
        for (Cardinality.Stat st : stats) {
            g.writeStartObject();
            g.writeStringField("name", st.name());
            g.writeNumberField("value", st.value());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static Reply ok(Reply.JsonBody data) {
        return Reply.success(data, List.of(), List.of());
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "";
        }
    }
}
