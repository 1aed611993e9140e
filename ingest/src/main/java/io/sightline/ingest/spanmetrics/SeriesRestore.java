package io.sightline.ingest.spanmetrics;

import io.sightline.storage.Querier;
import io.sightline.storage.Queryable;
import io.sightline.storage.SampleIterator;
import io.sightline.storage.Series;
import io.sightline.storage.SeriesSet;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the last flush back from the metrics store: the newest watermark sample, then every span metrics and
 * service graph series at exactly that sample's timestamp (a flush writes them all at one timestamp in one
 * commit, so they are the state the watermark describes).
 */
final class SeriesRestore {
    private static final Logger log = LoggerFactory.getLogger(SeriesRestore.class);
    private static final String NAMES = "traces_spanmetrics_(calls_total|latency_(bucket|sum|count))"
            + "|traces_service_graph_request_(total|failed_total|(server|client)_seconds_(bucket|sum|count))";
    /** The watermark is searched in this recent window first, then in all of the store. */
    private static final long RECENT_MILLIS = 3_600_000L;

    /** The watermark (0 when there was no flush) and its timestamp ({@code Long.MIN_VALUE} when none). */
    record Result(long watermark, long timestampMillis) {
    }

    private SeriesRestore() {
    }

    static Result restore(Queryable reader, long nowMillis, SpanMetrics into) {
        long[] last = latestWatermark(reader, nowMillis - RECENT_MILLIS);
        if (last == null) {
            last = latestWatermark(reader, 0);
        }
        if (last == null) {
            return new Result(0, Long.MIN_VALUE);
        }
        long ts = last[0];
        int skipped = 0;
        try (Querier q = reader.querier(ts, ts)) {
            SeriesSet set = q.select(false, Matcher.of(Matcher.Type.RE, Labels.METRIC_NAME, NAMES));
            SampleIterator it = null;
            while (set.next()) {
                Series s = set.at();
                it = s.iterator(it);
                if (!it.seek(ts) || it.timestamp() != ts) {
                    continue;
                }
                if (!restore(s.labels(), it.value(), into)) {
                    skipped++;
                }
            }
        }
        if (skipped > 0) {
            // WARN: those series restart from 0, which PromQL reads as a counter reset.
            log.warn("span metrics series not restored, their labels or buckets do not match the configuration "
                    + "(traces.span_metrics.buckets changed?) [series={}]", skipped);
        }
        return new Result((long) Double.longBitsToDouble(last[1]), ts);
    }

    private static boolean restore(Labels labels, double value, SpanMetrics into) {
        String name = labels.metricName();
        Cell cell;
        if (name.startsWith("traces_spanmetrics_")) {
            SpanKey key = SpanKey.fromLabels(labels);
            cell = key == null ? null : into.spanCell(key, true);
        } else {
            EdgeKey key = EdgeKey.fromLabels(labels);
            cell = key == null ? null : into.edgeCell(key, true);
        }
        int i = cell == null ? -1 : cell.indexOf(labels);
        if (i < 0) {
            return false;
        }
        cell.restore(i, value);
        return true;
    }

    /** {timestamp, raw bits of the value} of the newest watermark sample at or after {@code fromMillis}, or null. */
    private static long[] latestWatermark(Queryable reader, long fromMillis) {
        try (Querier q = reader.querier(fromMillis, Long.MAX_VALUE / 2)) {
            SeriesSet set = q.select(false, Matcher.eq(Labels.METRIC_NAME, SpanMetrics.WATERMARK));
            boolean found = false;
            long ts = Long.MIN_VALUE;
            double value = 0;
            SampleIterator it = null;
            while (set.next()) {
                it = set.at().iterator(it);
                while (it.next()) {
                    if (it.timestamp() >= ts) {
                        found = true;
                        ts = it.timestamp();
                        value = it.value();
                    }
                }
            }
            return found ? new long[]{ts, Double.doubleToRawLongBits(value)} : null;
        }
    }
}
