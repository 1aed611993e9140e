package io.sightline.storage;

import io.sightline.storage.model.Span;

import java.util.List;

/**
 * Reads spans whose start lies in a fixed time range (inclusive nanosecond bounds). Not thread-safe; one per
 * query. Segments it reads stay mapped until {@link #close()}.
 */
public interface TraceQuerier extends AutoCloseable {
    /** Receives spans; return {@code false} to stop. */
    interface Visitor {
        boolean span(Span span);
    }

    /** Attribute scopes for tag listings. */
    enum Scope { SPAN, RESOURCE }

    /**
     * Every span of the trace ({@code traceId}: 32 lower-case hex) in range, ordered by start time. Reads only
     * the segments the trace-id index names, and the head.
     */
    List<Span> trace(String traceId);

    /**
     * Visits the spans in range that satisfy every term, newest part first (the head, then segments from
     * newest to oldest; within a part in no promised order). The visitor sees only spans matching every term.
     */
    void select(List<SpanTerm> terms, Visitor visitor);

    /** Attribute keys of the scope seen on spans in range, sorted. */
    List<String> attributeNames(Scope scope);

    /** Distinct values ({@code stringValue} form) of one attribute in range, sorted, at most {@code limit}. */
    List<String> attributeValues(Scope scope, String key, int limit);

    /** Distinct values of an intrinsic field (SERVICE, NAME, KIND or STATUS) in range, sorted, at most {@code limit}. */
    List<String> intrinsicValues(SpanTerm.Field field, int limit);

    @Override
    void close();
}
