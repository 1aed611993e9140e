package io.sightline.ingest.remote;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.sightline.ingest.IngestConfig;
import io.sightline.ingest.otlp.RejectCause;
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
 * series last time is tried before the table (see {@link LabelCache}). Samples go into reusable primitive
 * arrays until the series message ends (labels may follow samples on the wire).
 *
 * <p>Series with invalid labels and single samples are rejected and counted in the {@link WriteTally}; the
 * rest of the request is still appended. Unknown fields are skipped; exemplars are dropped (counted);
 * native histograms are rejected as unsupported. Not thread-safe: one per thread (the label cache is shared).
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
    private static final String[] METRIC_TYPES = {
            "unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset"};

    private final int maxLabels;
    private final int maxNameLength;
    private final int maxValueLength;
    private final long maxFutureSkewMillis;
    private final LabelCache cache;
    private final WriteTally tally = new WriteTally();
    private final Labels.Builder builder = Labels.builder();
    private long[] timestamps = new long[16];
    private double[] values = new double[16];
    private int[] labelFrom = new int[16];
    private int[] labelTo = new int[16];
    /** The cache entry of the previous series in this request: its successor hint is tried first. */
    private LabelCache.Entry previous;

    WriteRequestDecoder(IngestConfig config, LabelCache cache) {
        this.maxLabels = config.maxLabelsPerSeries();
        this.maxNameLength = config.maxLabelNameLength();
        this.maxValueLength = config.maxLabelValueLength();
        this.maxFutureSkewMillis = config.maxFutureSkewMillis();
        this.cache = cache;
    }

    /**
     * Appends every valid sample of the {@code WriteRequest} in {@code buf[0, length)}.
     *
     * @return the tally, valid until the next call
     * @throws IOException when the bytes are not a well-formed message; the caller must roll
     *                                        the appender back, since part of the request may be appended
     */
    WriteTally decode(byte[] buf, int length, Appender appender, long nowMillis) throws IOException {
        tally.reset();
        previous = null;
        long maxTime = nowMillis + maxFutureSkewMillis;
        CodedInputStream in = CodedInputStream.newInstance(buf, 0, length);
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return tally;
            }
            if (tag == WRITE_TIMESERIES) {
                int old = in.pushLimit(in.readRawVarint32());
                series(in, buf, appender, maxTime);
                in.popLimit(old);
            } else if (tag == WRITE_METADATA) {
                int old = in.pushLimit(in.readRawVarint32());
                metadata(in, appender);
                in.popLimit(old);
            } else if (!in.skipField(tag)) {
                throw new InvalidProtocolBufferException("unexpected end-group tag " + tag + " in WriteRequest");
            }
        }
    }

    private void series(CodedInputStream in, byte[] buf, Appender appender, long maxTime) throws IOException {
        int labels = 0;
        int samples = 0;
        int histograms = 0;
        int keyFrom = -1;
        int keyTo = -1;
        boolean contiguous = true;
        try {
            while (!in.isAtEnd()) {
                int tagAt = in.getTotalBytesRead();
                int tag = in.readTag();
                switch (tag) {
                    case SERIES_LABELS -> {
                        int n = in.readRawVarint32();
                        int from = in.getTotalBytesRead();
                        in.skipRawBytes(n); // throws on a negative or overlong length
                        if (labels == labelFrom.length) {
                            labelFrom = Arrays.copyOf(labelFrom, labels * 2);
                            labelTo = Arrays.copyOf(labelTo, labels * 2);
                        }
                        labelFrom[labels] = from;
                        labelTo[labels] = from + n;
                        if (labels == 0) {
                            keyFrom = tagAt;
                        } else if (tagAt != keyTo) {
                            contiguous = false;
                        }
                        keyTo = from + n;
                        labels++;
                    }
                    case SERIES_SAMPLES -> {
                        int old = in.pushLimit(in.readRawVarint32());
                        double value = 0;
                        long timestamp = 0;
                        while (!in.isAtEnd()) {
                            int t = in.readTag();
                            if (t == SAMPLE_VALUE) {
                                value = in.readDouble();
                            } else if (t == SAMPLE_TIMESTAMP) {
                                timestamp = in.readInt64();
                            } else {
                                skip(in, t, "Sample");
                            }
                        }
                        in.popLimit(old);
                        if (samples == timestamps.length) {
                            timestamps = Arrays.copyOf(timestamps, samples * 2);
                            values = Arrays.copyOf(values, samples * 2);
                        }
                        timestamps[samples] = timestamp;
                        values[samples] = value;
                        samples++;
                    }
                    case SERIES_EXEMPLARS -> {
                        tally.exemplarsDropped++;
                        in.skipField(tag);
                    }
                    case SERIES_HISTOGRAMS -> {
                        histograms++;
                        in.skipField(tag);
                    }
                    default -> skip(in, tag, "TimeSeries");
                }
            }
        } catch (IllegalArgumentException e) {
            // CodedInputStream reports some malformed lengths this way
            throw new InvalidProtocolBufferException("malformed TimeSeries: " + e.getMessage());
        }
        if (samples == 0 && histograms == 0) {
            return;
        }
        LabelCache.Entry entry = null;
        int hash = 0;
        boolean cacheable = contiguous && labels > 0;
        if (cacheable) {
            entry = previous == null ? null : LabelCache.followerMatching(previous, buf, keyFrom, keyTo);
            if (entry == null) {
                hash = LabelCache.hash(buf, keyFrom, keyTo);
                entry = cache.get(hash, buf, keyFrom, keyTo);
            }
        }
        LabelCache.Entry before = previous;
        previous = null; // set again below once this series is in the cache
        Labels series;
        long ref;
        if (entry != null) {
            series = entry.labels;
            ref = entry.ref;
        } else {
            series = labels(buf, labels, samples + histograms);
            if (series == null) {
                return;
            }
            ref = Appender.NO_REF;
        }
        long firstRef = ref;
        for (int i = 0; i < samples; i++) {
            long t = timestamps[i];
            if (t > maxTime) {
                Labels s = series;
                tally.reject(RejectCause.INVALID_TIMESTAMP, 1, () -> "timestamp " + t + " of series " + s
                        + " is more than ingest.max_future_skew=" + maxFutureSkewMillis + "ms ahead of the server clock");
                continue;
            }
            long r = appender.append(ref, series, t, values[i]);
            if (r < 0) {
                RejectCause cause = RejectCause.ofStorageCode(r);
                Labels s = series;
                tally.reject(cause, 1, () -> "sample at " + t + " of series " + s + " rejected by storage: "
                        + cause.label());
            } else {
                ref = r;
                tally.accepted++;
            }
        }
        if (entry == null && cacheable) {
            entry = cache.put(hash, buf, keyFrom, keyTo, series, ref);
        } else if (entry != null && ref != firstRef) {
            entry = cache.updateRef(entry, ref);
        }
        if (entry != null) {
            if (before != null) {
                LabelCache.follows(before, entry);
            }
            previous = entry;
        }
        if (histograms > 0) {
            Labels s = series;
            tally.reject(RejectCause.INVALID_POINT, histograms, () -> "native histogram samples of series " + s
                    + " are not supported; send classic histograms (_bucket/_sum/_count)");
        }
    }

    /** Decodes, validates and sorts a series' labels; null (and counted) when they are invalid. */
    private Labels labels(byte[] buf, int count, int samples) throws IOException {
        if (count > maxLabels) {
            tally.reject(RejectCause.TOO_MANY_LABELS, samples, () -> "series has " + count
                    + " labels, more than ingest.max_labels_per_series=" + maxLabels + ": " + rawLabels(buf, count));
            return null;
        }
        builder.reset();
        for (int i = 0; i < count; i++) {
            CodedInputStream in = CodedInputStream.newInstance(buf, labelFrom[i], labelTo[i] - labelFrom[i]);
            String name = "";
            String value = "";
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                } else if (tag == LABEL_NAME) {
                    name = in.readStringRequireUtf8();
                } else if (tag == LABEL_VALUE) {
                    value = in.readStringRequireUtf8();
                } else {
                    skip(in, tag, "Label");
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
