package io.sightline.ingest.remote;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.sightline.ingest.IngestConfig;
import io.sightline.ingest.otlp.RejectCause;
import io.sightline.ingest.otlp.StringCache;
import io.sightline.storage.Appender;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.MetricMetadata;

import java.io.IOException;
import java.util.Arrays;

/**
 * Decodes a Prometheus remote-write 1.0 {@code WriteRequest} straight from its protobuf bytes into an
 * {@link Appender}, without generated classes and without an object per sample:
 * <pre>
 * WriteRequest   { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
 * TimeSeries     { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3;
 *                  repeated Histogram histograms = 4; }
 * Label          { string name = 1; string value = 2; }
 * Sample         { double value = 1; int64 timestamp = 2; }
 * MetricMetadata { MetricType type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
 * </pre>
 * A series' label fields are only located on the first pass; their bytes are the key of a {@link LabelCache},
 * so a series seen before costs no string decoding and no validation; the entry that followed the previous
 * series last time is tried before the table (see {@link LabelCache}). The whole request is decoded first,
 * its samples into reusable request-wide primitive arrays (labels may follow samples on the wire), and
 * appended after: a malformed body stores nothing, and the appends go {@link #PREFETCH} series at a time
 * behind an {@link Appender#prefetch} hint.
 *
 * <p>Series with invalid labels and single samples are rejected and counted in the {@link WriteTally}; the
 * rest of the request is still appended. Unknown fields are skipped; exemplars are dropped (counted);
 * native histograms are rejected as unsupported. Not thread-safe: one request at a time (the label cache is shared).
 */
final class WriteRequestDecoder {
    private static final int WRITE_TIMESERIES = 1 << 3 | 2;
    private static final int WRITE_METADATA = 3 << 3 | 2;
    private static final int SERIES_LABELS = 1 << 3 | 2;
    private static final int SERIES_SAMPLES = 2 << 3 | 2;
    private static final int SERIES_EXEMPLARS = 3 << 3 | 2;
    private static final int SERIES_HISTOGRAMS = 4 << 3 | 2;
    private static final int SAMPLE_VALUE = 1 << 3 | 1;
    private static final int SAMPLE_TIMESTAMP = 2 << 3;
    private static final int LABEL_NAME = 1 << 3 | 2;
    private static final int LABEL_VALUE = 2 << 3 | 2;
    private static final int META_TYPE = 1 << 3;
    private static final int META_NAME = 2 << 3 | 2;
    private static final int META_HELP = 4 << 3 | 2;
    private static final int META_UNIT = 5 << 3 | 2;
    /** Series appended per {@link Appender#prefetch} hint: their lines stay in L1 until appended. */
    private static final int PREFETCH = 32;
    private static final String[] METRIC_TYPES = {
            "unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset"};

    private final int maxLabels;
    private final int maxNameLength;
    private final int maxValueLength;
    private final long maxFutureSkewMillis;
    private final LabelCache cache;
    private final WriteTally tally = new WriteTally();
    private final Labels.Builder builder = Labels.builder();
    private final StringCache strings = new StringCache();
    private int[] labelFrom = new int[16];
    private int[] labelTo = new int[16];
    /** The cache entry of the previous series in this request: its successor hint is tried first. */
    private LabelCache.Entry previous;
    /** The request's samples, series after series; series {@code i} has {@code [sampleFrom[i], sampleFrom[i + 1])}. */
    private long[] timestamps = new long[256];
    private double[] values = new double[256];
    private int sampleCount;
    /** The series of the request decoded so far, in order (see {@link #appendAll}). */
    private int seriesCount;
    private int[] sampleFrom = new int[65];
    private Labels[] seriesLabels = new Labels[64];
    private long[] seriesRefs = new long[64];
    private LabelCache.Entry[] seriesEntries = new LabelCache.Entry[64];
    /** Series of this request not found in the label cache (it grows when they are many, see LabelCache). */
    private int cacheMisses;
    /** Cache key of each series: hash and byte range in the request, {@code keyFrom < 0} when not cacheable. */
    private int[] keyHash = new int[64];
    private int[] keyFrom = new int[64];
    private int[] keyTo = new int[64];
    private int[] histogramCount = new int[64];
    /** Whether a series of the request decoded so far missed the label cache (see {@link Appender#resolveSeries}). */
    private boolean hasNewSeries;

    WriteRequestDecoder(IngestConfig config, LabelCache cache) {
        this.maxLabels = config.maxLabelsPerSeries();
        this.maxNameLength = config.maxLabelNameLength();
        this.maxValueLength = config.maxLabelValueLength();
        this.maxFutureSkewMillis = config.maxFutureSkewMillis();
        this.cache = cache;
    }

    /**
     * Appends every valid sample of the {@code WriteRequest} in {@code buf[0, length)}. The request and its
     * series, samples and labels (read only for series new to the cache) are read with a {@link WireReader};
     * metadata messages with protobuf's {@code CodedInputStream}.
     *
     * @return the tally, valid until the next call
     * @throws IOException when the bytes are not a well-formed message; the caller must roll
     *                                        the appender back, since part of the request may be appended
     */
    WriteTally decode(byte[] buf, int length, Appender appender, long nowMillis) throws IOException {
        tally.reset();
        previous = null;
        seriesCount = 0;
        sampleCount = 0;
        hasNewSeries = false;
        cacheMisses = 0;
        try {
            WireReader in = new WireReader(buf, 0);
            while (in.pos < length) {
                int tag = in.readTag(length);
                if (tag == WRITE_TIMESERIES) {
                    int end = in.readLengthEnd(length);
                    series(in, end, buf);
                } else if (tag == WRITE_METADATA) {
                    int end = in.readLengthEnd(length);
                    metadata(CodedInputStream.newInstance(buf, in.pos, end - in.pos), appender);
                    in.pos = end;
                } else {
                    in.skipField(tag, length, "WriteRequest");
                }
            }
            cache.counted(seriesCount, cacheMisses);
            appendAll(buf, appender, nowMillis + maxFutureSkewMillis);
            return tally;
        } finally {
            // Drop the references to this request's labels and cache entries (the arrays are kept).
            Arrays.fill(seriesLabels, 0, seriesCount, null);
            Arrays.fill(seriesEntries, 0, seriesCount, null);
        }
    }

    /**
     * Decodes one TimeSeries and resolves its labels (cache or decoding), recording it for {@link #appendAll};
     * a series with invalid labels is counted as rejected here and recorded as a break in the cache's chain.
     */
    private void series(WireReader in, int end, byte[] buf) throws IOException {
        int labels = 0;
        int firstSample = sampleCount;
        int histograms = 0;
        int from = -1;
        int to = -1;
        boolean contiguous = true;
        while (in.pos < end) {
            int tagAt = in.pos;
            int tag = in.readTag(end);
            switch (tag) {
                case SERIES_LABELS -> {
                    int labelEnd = in.readLengthEnd(end);
                    if (labels == labelFrom.length) {
                        labelFrom = Arrays.copyOf(labelFrom, labels * 2);
                        labelTo = Arrays.copyOf(labelTo, labels * 2);
                    }
                    labelFrom[labels] = in.pos;
                    labelTo[labels] = labelEnd;
                    if (labels == 0) {
                        from = tagAt;
                    } else if (tagAt != to) {
                        contiguous = false;
                    }
                    to = labelEnd;
                    labels++;
                    in.pos = labelEnd;
                }
                case SERIES_SAMPLES -> {
                    int sampleEnd = in.readLengthEnd(end);
                    double value = 0;
                    long timestamp = 0;
                    while (in.pos < sampleEnd) {
                        int t = in.readTag(sampleEnd);
                        if (t == SAMPLE_VALUE) {
                            value = Double.longBitsToDouble(in.readFixed64(sampleEnd));
                        } else if (t == SAMPLE_TIMESTAMP) {
                            timestamp = in.readVarint64(sampleEnd);
                        } else {
                            in.skipField(t, sampleEnd, "Sample");
                        }
                    }
                    if (sampleCount == timestamps.length) {
                        timestamps = Arrays.copyOf(timestamps, sampleCount * 2);
                        values = Arrays.copyOf(values, sampleCount * 2);
                    }
                    timestamps[sampleCount] = timestamp;
                    values[sampleCount] = value;
                    sampleCount++;
                }
                case SERIES_EXEMPLARS -> {
                    tally.exemplarsDropped++;
                    in.skipField(tag, end, "TimeSeries");
                }
                case SERIES_HISTOGRAMS -> {
                    histograms++;
                    in.skipField(tag, end, "TimeSeries");
                }
                default -> in.skipField(tag, end, "TimeSeries");
            }
        }
        int samples = sampleCount - firstSample;
        if (samples == 0 && histograms == 0) {
            return;
        }
        LabelCache.Entry entry = null;
        int hash = 0;
        boolean cacheable = contiguous && labels > 0;
        if (cacheable) {
            entry = previous == null ? null : LabelCache.followerMatching(previous, buf, from, to);
            if (entry == null) {
                hash = LabelCache.hash(buf, from, to);
                entry = cache.get(hash, buf, from, to);
            }
        }
        previous = entry; // a series new to the cache has no successor hint yet
        Labels series = entry != null ? entry.labels : labels(in, buf, labels, samples + histograms);
        in.pos = end; // labels() moved it
        if (series == null) {
            sampleCount = firstSample; // rejected whole: keep no samples, and break the chain of hints
        }
        int i = addSeries(firstSample);
        seriesLabels[i] = series;
        seriesEntries[i] = entry;
        seriesRefs[i] = entry != null ? entry.ref : Appender.NO_REF;
        hasNewSeries |= entry == null && series != null;
        if (entry == null && cacheable) {
            cacheMisses++;
        }
        keyHash[i] = hash;
        keyFrom[i] = cacheable ? from : -1;
        keyTo[i] = to;
        histogramCount[i] = series == null ? 0 : histograms;
    }

    private int addSeries(int firstSample) {
        int i = seriesCount;
        if (i == seriesLabels.length) {
            int n = i * 2;
            sampleFrom = Arrays.copyOf(sampleFrom, n + 1);
            seriesLabels = Arrays.copyOf(seriesLabels, n);
            seriesRefs = Arrays.copyOf(seriesRefs, n);
            seriesEntries = Arrays.copyOf(seriesEntries, n);
            keyHash = Arrays.copyOf(keyHash, n);
            keyFrom = Arrays.copyOf(keyFrom, n);
            keyTo = Arrays.copyOf(keyTo, n);
            histogramCount = Arrays.copyOf(histogramCount, n);
        }
        sampleFrom[i] = firstSample;
        seriesCount = i + 1;
        return i;
    }

    /**
     * Appends the decoded series in order, {@link #PREFETCH} at a time after a {@link Appender#prefetch}
     * hint: with one sample per series (what remote-write senders mostly send) each append's first read of its
     * series is a cache miss, and the hint lets those misses overlap instead of stalling every append.
     */
    private void appendAll(byte[] buf, Appender appender, long maxTime) {
        sampleFrom[seriesCount] = sampleCount;
        if (hasNewSeries) {
            // Series new to the label cache (all of them in a sender's first round): registered as one batch.
            appender.resolveSeries(seriesLabels, seriesRefs, 0, seriesCount);
        }
        LabelCache.Entry before = null;
        for (int from = 0; from < seriesCount; from += PREFETCH) {
            int to = Math.min(seriesCount, from + PREFETCH);
            appender.prefetch(seriesRefs, from, to);
            for (int i = from; i < to; i++) {
                before = append(i, buf, appender, maxTime, before);
            }
        }
    }

    /** Appends series {@code i}'s samples and updates the label cache; returns its cache entry (or null). */
    private LabelCache.Entry append(int i, byte[] buf, Appender appender, long maxTime, LabelCache.Entry before) {
        Labels series = seriesLabels[i];
        if (series == null) {
            return null;
        }
        LabelCache.Entry entry = seriesEntries[i];
        long ref = seriesRefs[i];
        long firstRef = ref;
        for (int j = sampleFrom[i], end = sampleFrom[i + 1]; j < end; j++) {
            long t = timestamps[j];
            if (t > maxTime) {
                tally.reject(RejectCause.INVALID_TIMESTAMP, 1, () -> "timestamp " + t + " of series " + series
                        + " is more than ingest.max_future_skew=" + maxFutureSkewMillis + "ms ahead of the server clock");
                continue;
            }
            long r = appender.append(ref, series, t, values[j]);
            if (r < 0) {
                RejectCause cause = RejectCause.ofStorageCode(r);
                tally.reject(cause, 1, () -> "sample at " + t + " of series " + series + " rejected by storage: "
                        + cause.label());
            } else {
                ref = r;
                tally.accepted++;
            }
        }
        if (entry == null && keyFrom[i] >= 0) {
            // The same series may come twice in a request: its first copy put it into the cache meanwhile.
            entry = cache.get(keyHash[i], buf, keyFrom[i], keyTo[i]);
            if (entry == null) {
                entry = cache.put(keyHash[i], buf, keyFrom[i], keyTo[i], storedLabels(appender, ref, series), ref);
            }
        } else if (entry != null && ref != firstRef) {
            entry = cache.updateRef(entry, ref);
        }
        if (entry != null && before != null) {
            LabelCache.follows(before, entry);
        }
        int histograms = histogramCount[i];
        if (histograms > 0) {
            tally.reject(RejectCause.INVALID_POINT, histograms, () -> "native histogram samples of series " + series
                    + " are not supported; send classic histograms (_bucket/_sum/_count)");
        }
        return entry;
    }

    /**
     * The labels storage keeps for the series, when it has them, else {@code decoded}: a series that left the
     * cache (evicted, or displaced in a full set) and came back would otherwise keep a second copy of its labels
     * and their strings in the cache for as long as it stays there (at 1M series, 4.7 strings per series).
     */
    private static Labels storedLabels(Appender appender, long ref, Labels decoded) {
        Labels stored = ref > 0 ? appender.seriesLabels(ref) : null;
        return stored != null && stored.equals(decoded) ? stored : decoded;
    }

    /**
     * Decodes, validates and sorts a series' labels with {@code in} (its position is left anywhere); null (and
     * counted) when they are invalid.
     */
    private Labels labels(WireReader in, byte[] buf, int count, int samples) throws IOException {
        if (count > maxLabels) {
            tally.reject(RejectCause.TOO_MANY_LABELS, samples, () -> "series has " + count
                    + " labels, more than ingest.max_labels_per_series=" + maxLabels + ": " + rawLabels(buf, count));
            return null;
        }
        builder.reset();
        for (int i = 0; i < count; i++) {
            // Read in place (a CodedInputStream per label was ~90 B each of a new series' garbage), strings from
            // the decoder's string table: names and most values repeat from series to series.
            int labelEnd = labelTo[i];
            in.pos = labelFrom[i];
            String name = "";
            String value = "";
            while (in.pos < labelEnd) {
                int tag = in.readTag(labelEnd);
                if (tag == LABEL_NAME || tag == LABEL_VALUE) {
                    int end = in.readLengthEnd(labelEnd);
                    String s = strings.get(buf, in.pos, end - in.pos);
                    in.pos = end;
                    if (tag == LABEL_NAME) {
                        name = s;
                    } else {
                        value = s;
                    }
                } else {
                    in.skipField(tag, labelEnd, "Label");
                }
            }
            String n = name;
            if (name.isEmpty()) {
                tally.reject(RejectCause.INVALID_LABELS, samples, () -> "empty label name in series "
                        + rawLabels(buf, count));
                return null;
            }
            if (name.length() > maxNameLength) {
                tally.reject(RejectCause.LABEL_NAME_TOO_LONG, samples, () -> "label name of " + n.length()
                        + " characters exceeds ingest.max_label_name_length=" + maxNameLength + ": "
                        + n.substring(0, Math.min(64, n.length())) + "...");
                return null;
            }
            if (value.length() > maxValueLength) {
                int len = value.length();
                tally.reject(RejectCause.LABEL_VALUE_TOO_LONG, samples, () -> "value of label " + n + " has " + len
                        + " characters, more than ingest.max_label_value_length=" + maxValueLength);
                return null;
            }
            if (builder.get(name) != null) {
                tally.reject(RejectCause.INVALID_LABELS, samples, () -> "duplicate label name " + n + " in series "
                        + rawLabels(buf, count));
                return null;
            }
            builder.set(name, value);
        }
        String metric = builder.get(Labels.METRIC_NAME);
        if (metric == null) {
            tally.reject(RejectCause.EMPTY_METRIC_NAME, samples, () -> "series without a metric name (__name__): "
                    + rawLabels(buf, count));
            return null;
        }
        return builder.build();
    }

    /** The labels as sent, for error messages (the builder may hold only part of them). */
    private String rawLabels(byte[] buf, int count) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            try {
                CodedInputStream in = CodedInputStream.newInstance(buf, labelFrom[i], labelTo[i] - labelFrom[i]);
                String name = "";
                String value = "";
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    if (tag == LABEL_NAME) {
                        name = in.readString();
                    } else if (tag == LABEL_VALUE) {
                        value = in.readString();
                    } else {
                        in.skipField(tag);
                    }
                }
                sb.append(i == 0 ? "" : ", ").append(name).append("=\"")
                        .append(value.length() > 128 ? value.substring(0, 128) + "..." : value).append('"');
            } catch (IOException e) {
                sb.append(i == 0 ? "" : ", ").append("<undecodable>");
            }
        }
        return sb.append('}').toString();
    }

    private static void metadata(CodedInputStream in, Appender appender) throws IOException {
        int type = 0;
        String name = "";
        String help = "";
        String unit = "";
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (tag) {
                case META_TYPE -> type = in.readEnum();
                case META_NAME -> name = in.readStringRequireUtf8();
                case META_HELP -> help = in.readStringRequireUtf8();
                case META_UNIT -> unit = in.readStringRequireUtf8();
                default -> skip(in, tag, "MetricMetadata");
            }
        }
        if (!name.isEmpty()) {
            String t = type >= 0 && type < METRIC_TYPES.length ? METRIC_TYPES[type] : "unknown";
            appender.updateMetadata(name, new MetricMetadata(t, help, unit));
        }
    }

    private static void skip(CodedInputStream in, int tag, String message) throws IOException {
        if (!in.skipField(tag)) {
            throw new InvalidProtocolBufferException("unexpected end-group tag in " + message);
        }
    }
}
