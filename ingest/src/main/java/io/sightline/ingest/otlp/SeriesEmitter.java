package io.sightline.ingest.otlp;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.sightline.storage.Appender;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.StaleMarker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The per-request state of translation: the resource's {@code job}/{@code instance}, the scope labels,
 * the current data point's label pairs, validation against the limits, and handing samples to the
 * {@link SampleSink}. Point translators call {@link #beginPoint}, then {@link #sample} for every series of
 * the point, then {@link #endPoint()}. Not thread-safe: one per request.
 *
 * <p>Hot path: a point's labels are collected as name/value pairs in a reused array; a series seen before
 * (the usual case: exporters resend the same series every interval) is found in the thread's
 * {@link SeriesCache} by those pairs and written by reference, without building {@link Labels}.
 */
final class SeriesEmitter {
    static final String TARGET_INFO = "target_info";
    private static final String SERVICE_NAME = "service.name";
    private static final String SERVICE_NAMESPACE = "service.namespace";
    private static final String SERVICE_INSTANCE_ID = "service.instance.id";
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final int DATA_POINT_FLAGS_NO_RECORDED_VALUE = 1;
    private static final String JOB = "job";
    private static final String INSTANCE = "instance";

    private final SampleSink sink;
    private final TranslationOptions options;
    private final LabelNamer labelNamer;
    private final TranslationResult result;
    private final SeriesCache cache;
    private final long maxTimestampMillis;
    private final Labels.Builder builder = Labels.builder();
    private final List<String> scopeLabels = new ArrayList<>();

    private String job;
    private String instance;
    private Labels targetInfo;
    private String targetInfoProblem;
    private RejectCause targetInfoCause;
    private long resourceMaxTimestamp;

    private String metricName;
    /** name0, value0, name1, value1, ... of the current point, in attribute order, names unique. */
    private String[] pairs = new String[32];
    private int pairLength;
    private int pointHash;
    /**
     * An array holding the same pairs as the current point, owned by cache entries: the matched entry's on
     * a hit, a fresh copy on the first miss. Entries of one point share it, so after the first sample of a
     * histogram point the others match by identity instead of comparing every label.
     */
    private String[] cachedPairs;
    private long timestampMillis;
    private boolean stale;
    private boolean pointRejected;
    private int samplesIfRejected;
    /** Whether an attribute of the current point is named job or instance (which the resource's override). */
    private boolean hasJobOrInstance;

    /** @param cache the calling thread's series cache, or null to build labels for every sample */
    SeriesEmitter(SampleSink sink, TranslationOptions options, LabelNamer labelNamer, TranslationResult result,
                  SeriesCache cache, long nowMillis) {
        this.sink = sink;
        this.options = options;
        this.labelNamer = labelNamer;
        this.result = result;
        this.cache = cache;
        this.maxTimestampMillis = nowMillis + options.maxFutureSkewMillis();
    }

    SampleSink sink() {
        return sink;
    }

    /** Takes {@code job}, {@code instance} and the {@code target_info} labels from a resource. */
    void beginResource(Resource resource) {
        String serviceName = null;
        String namespace = null;
        String instanceId = null;
        boolean hasOthers = false;
        for (int i = 0; i < resource.getAttributesCount(); i++) {
            KeyValue kv = resource.getAttributes(i);
            switch (kv.getKey()) {
                case SERVICE_NAME -> serviceName = AttributeValues.toLabelValue(kv.getValue());
                case SERVICE_NAMESPACE -> namespace = AttributeValues.toLabelValue(kv.getValue());
                case SERVICE_INSTANCE_ID -> instanceId = AttributeValues.toLabelValue(kv.getValue());
                default -> hasOthers = true;
            }
        }
        job = serviceName == null || serviceName.isEmpty() ? null
                : namespace == null || namespace.isEmpty() ? serviceName : namespace + "/" + serviceName;
        instance = instanceId;
        resourceMaxTimestamp = Long.MIN_VALUE;
        targetInfo = null;
        targetInfoProblem = null;
        if (hasOthers) {
            buildTargetInfo(resource);
        }
    }

    /**
     * Writes {@code target_info} once for the resource, at the newest timestamp among its stored points, so
     * that joins on {@code job}/{@code instance} find it next to the data.
     */
    void endResource() {
        if (resourceMaxTimestamp == Long.MIN_VALUE) {
            return;
        }
        if (targetInfoProblem != null) {
            result.rejectedSamples(targetInfoCause, 1);
            problem(targetInfoProblem);
            return;
        }
        if (targetInfo != null) {
            long ref = sink.append(Appender.NO_REF, targetInfo, resourceMaxTimestamp, 1.0);
            if (ref < 0) {
                RejectCause cause = RejectCause.ofStorageCode(ref);
                result.rejectedSamples(cause, 1);
                if (!result.hasProblem()) {
                    result.problem("target_info " + targetInfo + " rejected by storage: " + cause.label());
                } else {
                    result.anotherProblem();
                }
            } else {
                result.accepted();
            }
        }
    }

    private void buildTargetInfo(Resource resource) {
        metricName = TARGET_INFO;
        String problem = collectPairs(resource.getAttributesList(), true);
        if (problem == null) {
            setOwn(JOB, job);
            setOwn(INSTANCE, instance);
            int labels = pairLength / 2 + 1;
            if (labels > options.maxLabelsPerSeries()) {
                targetInfoCause = RejectCause.TOO_MANY_LABELS;
                problem = "target_info of job \"" + job + "\" has " + labels + " labels, over ingest.max_labels_per_series="
                        + options.maxLabelsPerSeries() + "; resource attributes are not stored";
            }
        }
        if (problem != null) {
            targetInfoProblem = problem;
        } else {
            targetInfo = build(TARGET_INFO, null, null);
        }
    }

    /** Takes the {@code otel_scope_*} labels when promotion is configured. */
    void beginScope(InstrumentationScope scope, String schemaUrl) {
        scopeLabels.clear();
        if (!options.promoteScopeMetadata()) {
            return;
        }
        scopeLabels.add("otel_scope_name");
        scopeLabels.add(scope.getName());
        scopeLabels.add("otel_scope_version");
        scopeLabels.add(scope.getVersion());
        scopeLabels.add("otel_scope_schema_url");
        scopeLabels.add(schemaUrl);
        for (int i = 0; i < scope.getAttributesCount(); i++) {
            KeyValue kv = scope.getAttributes(i);
            String name = "otel_scope_" + labelNamer.labelName(kv.getKey());
            if (name.equals("otel_scope_name") || name.equals("otel_scope_version") || name.equals("otel_scope_schema_url")) {
                continue;
            }
            scopeLabels.add(name);
            scopeLabels.add(AttributeValues.toLabelValue(kv.getValue()));
        }
    }

    /**
     * Starts a metric; false (with every point counted as rejected) when its name is empty after
     * sanitising or too long.
     */
    boolean beginMetric(String family, String otlpName, int points, int samplesPerPoint) {
        metricName = family;
        String problem = null;
        RejectCause cause = null;
        if (family.isEmpty()) {
            cause = RejectCause.EMPTY_METRIC_NAME;
            problem = "metric name \"" + otlpName + "\" is empty after sanitising to [a-zA-Z0-9_:]";
        } else if (family.length() + 7 > options.maxLabelValueLength()) {
            cause = RejectCause.LABEL_VALUE_TOO_LONG;
            problem = "metric name \"" + abbreviate(family) + "\" is " + family.length()
                    + " characters, over ingest.max_label_value_length=" + options.maxLabelValueLength();
        }
        if (problem == null) {
            return true;
        }
        if (points > 0) {
            result.rejectedSamples(cause, (long) points * samplesPerPoint);
            for (int i = 0; i < points; i++) {
                result.rejectedPoint();
            }
            problem(problem);
            for (int i = 1; i < points; i++) {
                result.anotherProblem();
            }
        }
        return false;
    }

    /**
     * Starts one data point: collects its labels and timestamp and validates them.
     *
     * @param extraLabels       labels each series of the point adds besides {@code __name__} ({@code le}: 1)
     * @param samplesIfRejected how many samples the point would have produced, counted when it is rejected
     * @return false when the point is rejected (already counted); then emit nothing for it
     */
    boolean beginPoint(List<KeyValue> attributes, long timeUnixNano, int flags, int exemplars, int extraLabels,
                       int samplesIfRejected) {
        pointRejected = false;
        this.samplesIfRejected = samplesIfRejected;
        if (exemplars > 0) {
            result.exemplarsDropped(exemplars);
        }
        stale = (flags & DATA_POINT_FLAGS_NO_RECORDED_VALUE) != 0;
        if (timeUnixNano <= 0) {
            return rejectPoint(RejectCause.INVALID_TIMESTAMP, samplesIfRejected, timeUnixNano == 0
                    ? "time_unix_nano is missing (0)"
                    : "time_unix_nano " + Long.toUnsignedString(timeUnixNano) + " is out of range");
        }
        timestampMillis = timeUnixNano / NANOS_PER_MILLI;
        if (timestampMillis > maxTimestampMillis) {
            return rejectPoint(RejectCause.INVALID_TIMESTAMP, samplesIfRejected, "timestamp " + timestampMillis
                    + "ms is more than " + options.maxFutureSkewMillis() + "ms ahead of the server clock (ingest.max_future_skew)");
        }
        if (collectPairs(attributes, false) != null) {
            return false;
        }
        setOwn(JOB, job);
        setOwn(INSTANCE, instance);
        int total = pairLength / 2 + 1 + extraLabels;
        if (total > options.maxLabelsPerSeries()) {
            return rejectPoint(RejectCause.TOO_MANY_LABELS, samplesIfRejected, "series would have " + total
                    + " labels, over ingest.max_labels_per_series=" + options.maxLabelsPerSeries());
        }
        int h = 1;
        for (int i = 0; i < pairLength; i++) {
            h = h * 31 + pairs[i].hashCode();
        }
        pointHash = h;
        cachedPairs = null;
        return true;
    }

    /** A point that fails a kind-specific check (see the point translators). */
    boolean rejectPoint(RejectCause cause, int samples, String why) {
        result.rejectedSamples(cause, samples);
        result.rejectedPoint();
        if (!result.hasProblem()) {
            result.problem("metric \"" + metricName + "\": data point rejected: " + why);
        } else {
            result.anotherProblem();
        }
        pointRejected = true;
        return false;
    }

    /** Whether the current point carries the no-recorded-value flag: its samples are stale markers. */
    boolean isStale() {
        return stale;
    }

    /** The labels of the current point with {@code __name__} = {@code name}: a key for delta state. */
    Labels seriesKey(String name) {
        return build(name, null, null);
    }

    /** Appends one sample of the current point; a stale point writes a staleness marker instead. */
    void sample(String name, double value) {
        sample(name, null, null, value);
    }

    /**
     * Appends one sample of a series with an extra label ({@code le} or {@code quantile}; null for none).
     * The extra label overrides an attribute of the same name.
     */
    void sample(String name, String extraName, String extraValue, double value) {
        double v = stale ? StaleMarker.VALUE : value;
        if (cache == null || !cache.isActive()) {
            Labels labels = build(name, extraName, extraValue);
            accept(sink.append(Appender.NO_REF, labels, timestampMillis, v), labels);
            return;
        }
        int hash = SeriesCache.hash(pointHash, name, extraValue);
        SeriesCache.Entry e = cache.get(hash, name, extraValue, pairs, pairLength, cachedPairs);
        if (e != null) {
            cachedPairs = e.pairs;
            long ref = sink.append(e.ref, e.labels, timestampMillis, v);
            if (ref > 0) {
                e.ref = ref;
            }
            accept(ref, e.labels);
            return;
        }
        Labels labels = build(name, extraName, extraValue);
        long ref = sink.append(Appender.NO_REF, labels, timestampMillis, v);
        if (ref > 0) {
            if (cachedPairs == null) {
                cachedPairs = Arrays.copyOf(pairs, pairLength);
            }
            cache.put(hash, name, extraValue, cachedPairs, pairLength, labels, ref);
        }
        accept(ref, labels);
    }

    /** Ends the current point: a point with any sample refused by storage counts as one rejected point. */
    void endPoint() {
        if (pointRejected) {
            result.rejectedPoint();
            pointRejected = false;
        }
    }

    private void accept(long ref, Labels labels) {
        if (ref >= 0) {
            result.accepted();
            if (timestampMillis > resourceMaxTimestamp) {
                resourceMaxTimestamp = timestampMillis;
            }
            return;
        }
        RejectCause cause = RejectCause.ofStorageCode(ref);
        result.rejectedSamples(cause, 1);
        if (!pointRejected) {
            pointRejected = true;
            if (!result.hasProblem()) {
                result.problem("sample " + labels + " @" + timestampMillis + " rejected by storage: " + cause.label());
            } else {
                result.anotherProblem();
            }
        }
    }

    private Labels build(String name, String extraName, String extraValue) {
        builder.reset();
        for (int i = 0; i < pairLength; i += 2) {
            builder.set(pairs[i], pairs[i + 1]);
        }
        builder.set(Labels.METRIC_NAME, name);
        if (extraName != null) {
            builder.set(extraName, extraValue);
        }
        return builder.build();
    }

    /**
     * Collects the scope labels and the attributes as label pairs; returns the problem (already counted as
     * a rejected point unless {@code forTargetInfo}) or null. Keys that collide after sanitising get their
     * values joined with {@code ;} in the order of the original keys, as the specification says.
     */
    private String collectPairs(List<KeyValue> attributes, boolean forTargetInfo) {
        pairLength = 0;
        // OTLP keys are unique within a point, so a label name can repeat only once a key was changed by
        // sanitising (or a scope label is present): until then, skip the search for an earlier equal name.
        boolean mayRepeat = false;
        hasJobOrInstance = false;
        if (!forTargetInfo && !scopeLabels.isEmpty()) {
            for (int i = 0; i < scopeLabels.size(); i += 2) {
                setOwn(scopeLabels.get(i), scopeLabels.get(i + 1));
            }
            mayRepeat = true;
        }
        for (int i = 0, n = attributes.size(); i < n; i++) {
            KeyValue kv = attributes.get(i);
            String key = kv.getKey();
            if (forTargetInfo && isIdentifying(key)) {
                continue;
            }
            String name = labelNamer.labelName(key);
            if (name.isEmpty()) {
                continue;
            }
            String value = AttributeValues.toLabelValue(kv.getValue());
            if (name.length() > options.maxLabelNameLength()) {
                return limitProblem(forTargetInfo, RejectCause.LABEL_NAME_TOO_LONG, "label name \"" + abbreviate(name)
                        + "\" is " + name.length() + " characters, over ingest.max_label_name_length=" + options.maxLabelNameLength());
            }
            if (value.length() > options.maxLabelValueLength()) {
                return limitProblem(forTargetInfo, RejectCause.LABEL_VALUE_TOO_LONG, "value of label \"" + abbreviate(name)
                        + "\" is " + value.length() + " characters, over ingest.max_label_value_length=" + options.maxLabelValueLength());
            }
            if (name != key) {
                mayRepeat = true;
            }
            if (name.length() <= 8 && (name.equals("job") || name.equals("instance"))) {
                hasJobOrInstance = true;
            }
            int at = mayRepeat ? indexOf(name) : -1;
            if (at >= 0) {
                pairs[at + 1] = joinCollision(attributes, name, forTargetInfo);
            } else if (!value.isEmpty()) {
                addPair(name, value);
            }
        }
        return null;
    }

    private String limitProblem(boolean forTargetInfo, RejectCause cause, String why) {
        if (forTargetInfo) {
            targetInfoCause = cause;
            return "target_info of job \"" + job + "\" not stored: " + why;
        }
        rejectPoint(cause, samplesIfRejected, why);
        return why;
    }

    /** Rare path: several keys map to one label name. */
    private String joinCollision(List<KeyValue> attributes, String name, boolean forTargetInfo) {
        TreeMap<String, String> byKey = new TreeMap<>();
        for (KeyValue kv : attributes) {
            if (forTargetInfo && isIdentifying(kv.getKey())) {
                continue;
            }
            if (labelNamer.labelName(kv.getKey()).equals(name)) {
                String v = AttributeValues.toLabelValue(kv.getValue());
                if (!v.isEmpty()) {
                    byKey.put(kv.getKey(), v);
                }
            }
        }
        return String.join(";", byKey.values());
    }

    private static boolean isIdentifying(String key) {
        return key.equals(SERVICE_NAME) || key.equals(SERVICE_NAMESPACE) || key.equals(SERVICE_INSTANCE_ID);
    }

    /** Sets a label this translator owns (job, instance, scope): it overrides an attribute of the same name. */
    private void setOwn(String name, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        int at = pairLength == 0 || (!hasJobOrInstance && isJobOrInstance(name)) ? -1 : indexOf(name);
        if (at >= 0) {
            pairs[at + 1] = value;
        } else {
            addPair(name, value);
        }
    }

    @SuppressWarnings("StringEquality") // job/instance are passed as these constants
    private static boolean isJobOrInstance(String name) {
        return name == JOB || name == INSTANCE;
    }

    private int indexOf(String name) {
        for (int i = 0; i < pairLength; i += 2) {
            if (pairs[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private void addPair(String name, String value) {
        if (pairLength + 2 > pairs.length) {
            pairs = Arrays.copyOf(pairs, pairs.length * 2);
        }
        pairs[pairLength++] = name;
        pairs[pairLength++] = value;
    }

    private void problem(String text) {
        if (!result.hasProblem()) {
            result.problem(text);
        } else {
            result.anotherProblem();
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
