package io.sightline.query.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.sightline.query.QueryException;
import io.sightline.query.TraceQueryEngine;
import io.sightline.query.TraceSearchResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tempo's {@code tempopb} messages of the {@code StreamingQuerier} service, read and written by hand (field numbers
 * as in Tempo's {@code pkg/tempopb/tempo.proto}; the tag lists' {@code metrics} fields are left out). Unknown
 * fields of requests are skipped, as protobuf readers do, so newer Grafana versions adding fields still work.
 */
final class TempoProto {
    private TempoProto() {
    }

    /**
     * {@code SearchRequest}: Tags = 1 (map), MinDurationMs = 2, MaxDurationMs = 3, Limit = 4, start = 5, end = 6
     * (Unix seconds), Query = 8, SpansPerSpanSet = 9. Zero means "not given".
     */
    record SearchRequest(Map<String, String> tags, long minDurationMs, long maxDurationMs, long limit, long start,
                         long end, String query, long spansPerSpanSet) {
    }

    /** {@code SearchTagsRequest}: scope = 1, start = 2, end = 3, maxTagsPerScope = 4, query = 6. */
    record SearchTagsRequest(String scope, long start, long end, long maxTagsPerScope, String query) {
    }

    /** {@code SearchTagValuesRequest}: tagName = 1, query = 2, start = 4, end = 5, maxTagValues = 6. */
    record SearchTagValuesRequest(String tagName, String query, long start, long end, long maxTagValues) {
    }

    /** {@code QueryRangeRequest}: query = 1, start = 2, end = 3, step = 4 (nanoseconds; 0 for "not given"). */
    record QueryRangeRequest(String query, long start, long end, long step) {
    }

    static QueryRangeRequest queryRangeRequest(byte[] bytes) {
        UnknownFieldSet m = parse(bytes, "QueryRangeRequest");
        return new QueryRangeRequest(string(m, 1), varint(m, 2), varint(m, 3), varint(m, 4));
    }

    static SearchRequest searchRequest(byte[] bytes) {
        UnknownFieldSet m = parse(bytes, "SearchRequest");
        Map<String, String> tags = new LinkedHashMap<>();
        if (m.hasField(1)) {
            for (ByteString entry : m.getField(1).getLengthDelimitedList()) {
                UnknownFieldSet kv = parse(entry.toByteArray(), "SearchRequest.Tags");
                tags.put(string(kv, 1), string(kv, 2));
            }
        }
        return new SearchRequest(tags, uint32(m, 2), uint32(m, 3), uint32(m, 4), uint32(m, 5), uint32(m, 6),
                string(m, 8), uint32(m, 9));
    }

    static SearchTagsRequest searchTagsRequest(byte[] bytes) {
        UnknownFieldSet m = parse(bytes, "SearchTagsRequest");
        return new SearchTagsRequest(string(m, 1), uint32(m, 2), uint32(m, 3), uint32(m, 4), string(m, 6));
    }

    static SearchTagValuesRequest searchTagValuesRequest(byte[] bytes) {
        UnknownFieldSet m = parse(bytes, "SearchTagValuesRequest");
        return new SearchTagValuesRequest(string(m, 1), string(m, 2), uint32(m, 4), uint32(m, 5), uint32(m, 6));
    }

    /** The fields of a message by number; unknown ones are simply never asked for. */
    private static UnknownFieldSet parse(byte[] bytes, String message) {
        try {
            return UnknownFieldSet.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA,
                    "malformed tempopb." + message + ": " + e.getMessage());
        }
    }

    /** The last value of a varint field (proto3: the last one wins), 0 when absent. */
    private static long varint(UnknownFieldSet m, int field) {
        return m.hasField(field) && !m.getField(field).getVarintList().isEmpty()
                ? m.getField(field).getVarintList().getLast() : 0;
    }

    private static long uint32(UnknownFieldSet m, int field) {
        return varint(m, field) & 0xFFFF_FFFFL;
    }

    private static String string(UnknownFieldSet m, int field) {
        return m.hasField(field) && !m.getField(field).getLengthDelimitedList().isEmpty()
                ? m.getField(field).getLengthDelimitedList().getLast().toStringUtf8() : "";
    }

    /**
     * {@code SearchResponse { repeated TraceSearchMetadata traces = 1; SearchMetrics metrics = 2; }} with
     * {@code traces} (a part of {@code r}'s, or all) and {@code r}'s counts.
     *
     * @param isDone whether this is the last message: its metrics say the one job is complete
     */
    static byte[] searchResponse(List<TraceSearchResult.Trace> traces, TraceSearchResult r, boolean isDone) {
        ProtoWriter w = new ProtoWriter();
        for (TraceSearchResult.Trace t : traces) {
            w.message(1, traceMetadata(t));
        }
        // SearchMetrics: inspectedTraces = 1, inspectedBytes = 2, totalBlocks = 3, completedJobs = 4, totalJobs = 5,
        // totalBlockBytes = 6, inspectedSpans = 7. Grafana shows completedJobs of totalJobs as progress.
        w.message(2, new ProtoWriter()
                .uint32(1, ProtoWriter.clampUint32(r.inspectedTraces()))
                .uint32(4, isDone ? 1 : 0)
                .uint32(5, 1)
                .uint64(7, r.inspectedSpans())
                .toByteArray());
        return w.toByteArray();
    }

    /**
     * {@code TraceSearchMetadata}: traceID = 1, rootServiceName = 2, rootTraceName = 3, startTimeUnixNano = 4,
     * durationMs = 5, spanSet = 6 (deprecated, still read by older clients), spanSets = 7.
     */
    private static byte[] traceMetadata(TraceSearchResult.Trace t) {
        List<TraceSearchResult.SpanSet> sets = TraceJson.spanSets(t);
        ProtoWriter w = new ProtoWriter()
                .string(1, t.traceId())
                .string(2, t.rootServiceName().isEmpty() ? TraceJson.ROOT_NOT_RECEIVED : t.rootServiceName())
                .string(3, t.rootTraceName())
                .uint64(4, t.startNanos())
                .uint32(5, ProtoWriter.clampUint32(t.durationNanos() / 1_000_000))
                .message(6, spanSet(sets.getFirst()));
        for (TraceSearchResult.SpanSet s : sets) {
            w.message(7, spanSet(s));
        }
        return w.toByteArray();
    }

    /**
     * {@code SpanSet}: spans = 1, matched = 2, attributes = 3; {@code Span}: spanID = 1, name = 2,
     * startTimeUnixNano = 3, durationNanos = 4, attributes = 5.
     */
    private static byte[] spanSet(TraceSearchResult.SpanSet t) {
        ProtoWriter set = new ProtoWriter();
        for (TraceSearchResult.MatchedSpan s : t.spans()) {
            ProtoWriter span = new ProtoWriter()
                    .string(1, s.spanId())
                    .string(2, s.name())
                    .uint64(3, s.startNanos())
                    .uint64(4, s.durationNanos());
            for (KeyValue kv : TraceProto.keyValues(s.attributes())) {
                span.message(5, kv.toByteArray()); // tempopb.common.v1.KeyValue is OTLP's KeyValue on the wire
            }
            set.message(1, span.toByteArray());
        }
        set.uint32(2, t.matched());
        for (KeyValue kv : TraceProto.keyValues(t.attributes())) {
            set.message(3, kv.toByteArray());
        }
        return set.toByteArray();
    }

    /** {@code SearchTagsResponse { repeated string tagNames = 1; }}. */
    static byte[] searchTagsResponse(List<String> names) {
        ProtoWriter w = new ProtoWriter();
        for (String n : names) {
            w.string(1, n);
        }
        return w.toByteArray();
    }

    /** {@code SearchTagsV2Response { repeated SearchTagsV2Scope scopes = 1; }}, a scope being name = 1, tags = 2. */
    static byte[] searchTagsV2Response(List<TempoTags.ScopeTags> scopes) {
        ProtoWriter w = new ProtoWriter();
        for (TempoTags.ScopeTags s : scopes) {
            ProtoWriter scope = new ProtoWriter().string(1, s.name());
            for (String tag : s.tags()) {
                scope.string(2, tag);
            }
            w.message(1, scope.toByteArray());
        }
        return w.toByteArray();
    }

    /** {@code SearchTagValuesResponse { repeated string tagValues = 1; }}. */
    static byte[] searchTagValuesResponse(List<TraceQueryEngine.TagValue> values) {
        ProtoWriter w = new ProtoWriter();
        for (TraceQueryEngine.TagValue v : values) {
            w.string(1, v.value());
        }
        return w.toByteArray();
    }

    /** {@code SearchTagValuesV2Response { repeated TagValue tagValues = 1; }}, a value being type = 1, value = 2. */
    static byte[] searchTagValuesV2Response(List<TraceQueryEngine.TagValue> values) {
        ProtoWriter w = new ProtoWriter();
        for (TraceQueryEngine.TagValue v : values) {
            w.message(1, new ProtoWriter().string(1, v.type()).string(2, v.value()).toByteArray());
        }
        return w.toByteArray();
    }
}
