package io.sightline.query.traceql;

import io.sightline.query.QueryException;
import io.sightline.query.TraceQueryEngine.TagValue;
import io.sightline.query.traceql.Ast.*;
import io.sightline.storage.SpanTerm;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;
import io.sightline.storage.model.Span;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Lists the values of one tag for autocomplete: from the store's value lists when unfiltered, else from the spans
 * that match the filter (reading at most {@link #MAX_SPANS} of them).
 */
final class TagValueSearch {
    /** A filtered listing reads at most this many spans; autocomplete wants a fast, not a complete, answer. */
    static final int MAX_SPANS = 1_000_000;

    private final TraceStore store;

    TagValueSearch(TraceStore store) {
        this.store = store;
    }

    List<TagValue> values(String tag, String filter, long startNanos, long endNanos, int limit) {
        Operand operand = operand(tag);
        Expr expr = lenientFilter(filter);
        try (TraceQuerier q = store.querier(startNanos, endNanos)) {
            if (expr == null) {
                return unfiltered(q, operand, limit);
            }
            return filtered(q, operand, expr, limit);
        }
    }

    /** The tag as a TraceQL operand; a bare name that is no intrinsic is an unscoped attribute (Tempo's v1 tags). */
    static Operand operand(String tag) {
        if (tag == null || tag.isBlank()) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "missing tag name");
        }
        Intrinsic in = Intrinsic.of(tag);
        if (in != null) {
            return new IntrinsicRef(in);
        }
        if (tag.startsWith(".") || tag.startsWith("span.") || tag.startsWith("resource.")) {
            List<Token> tokens = Lexer.tokens(tag);
            if (tokens.size() == 2 && tokens.get(0).is(Token.Kind.ATTRIBUTE)) {
                return new Attribute(tokens.get(0).scope(), tokens.get(0).text());
            }
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "invalid tag \"" + tag + "\": not a TraceQL attribute");
        }
        return new Attribute("", tag);
    }

    /** The one filter of {@code filter}, or null when absent, unparsable or more than one filter (Tempo ignores it then). */
    private static Expr lenientFilter(String filter) {
        if (filter == null || filter.isBlank()) {
            return null;
        }
        try {
            Query q = Parser.parse(filter);
            return q.filters().size() == 1 && q.stages().isEmpty() ? q.filters().get(0).expr() : null;
        } catch (QueryException e) {
            return null;
        }
    }

    private static List<TagValue> unfiltered(TraceQuerier q, Operand operand, int limit) {
        List<TagValue> out = new ArrayList<>();
        if (operand instanceof IntrinsicRef ref) {
            switch (ref.intrinsic()) {
                case NAME -> q.intrinsicValues(SpanTerm.Field.NAME, limit).forEach(v -> out.add(new TagValue("string", v)));
                case STATUS -> q.intrinsicValues(SpanTerm.Field.STATUS, limit)
                        .forEach(v -> out.add(new TagValue("keyword", Enums.statusName(Integer.parseInt(v)))));
                case KIND -> q.intrinsicValues(SpanTerm.Field.KIND, limit)
                        .forEach(v -> out.add(new TagValue("keyword", Enums.kindName(Integer.parseInt(v)))));
                case ROOT_SERVICE -> q.intrinsicValues(SpanTerm.Field.SERVICE, limit).forEach(v -> out.add(new TagValue("string", v)));
                default -> {
                }
            }
            return out;
        }
        Attribute a = (Attribute) operand;
        TreeSet<String> values = new TreeSet<>();
        if (a.scope().equals("resource") && a.name().equals(Span.SERVICE_NAME)) {
            values.addAll(q.intrinsicValues(SpanTerm.Field.SERVICE, limit));
        } else {
            if (!a.scope().equals("resource")) {
                values.addAll(q.attributeValues(TraceQuerier.Scope.SPAN, a.name(), limit));
            }
            if (!a.scope().equals("span")) {
                values.addAll(q.attributeValues(TraceQuerier.Scope.RESOURCE, a.name(), limit));
            }
        }
        TypeProbe probe = new TypeProbe(q, a);
        for (String v : values) {
            if (out.size() >= limit) {
                break;
            }
            out.add(new TagValue(probe.type(v), v));
        }
        return out;
    }

    /**
     * Types of listed values, read from a span that has the value: the store lists values as text, and the text
     * "200" may be an int or a string. Values whose text only a string can have need no span. Each probe selects
     * by the value (postings answer it where the attribute has them) and stops at the first span; all probes of a
     * listing together read at most {@link #MAX_SPANS} spans, past which the type is inferred from the text.
     * Pitfall: a value stored with two types (string "200" and int 200) is listed once, with the first span's type.
     */
    private static final class TypeProbe {
        private final TraceQuerier q;
        private final Attribute attribute;
        private final Val val = new Val();
        private long read;

        TypeProbe(TraceQuerier q, Attribute attribute) {
            this.q = q;
            this.attribute = attribute;
        }

        String type(String text) {
            String guess = inferType(text);
            if (guess.equals("string") || read >= MAX_SPANS) {
                return guess;
            }
            String[] found = {null};
            if (!attribute.scope().equals("resource")) {
                probe(SpanTerm.spanAttribute(attribute.name(), text), text, found, true);
            }
            if (found[0] == null && !attribute.scope().equals("span")) {
                probe(SpanTerm.resourceAttribute(attribute.name(), text), text, found, false);
            }
            return found[0] == null ? guess : found[0];
        }

        private void probe(SpanTerm term, String text, String[] found, boolean isSpanScope) {
            q.select(List.of(term), span -> {
                read++;
                if (SpanMatcher.read(isSpanScope ? span.attributes() : span.resource(), attribute.name(), val)
                        && text(val).equals(text)) {
                    found[0] = typeName(val.type);
                    return false;
                }
                return read < MAX_SPANS;
            });
        }
    }

    /** A value's type guessed from its text, for when no span tells. */
    static String inferType(String v) {
        if (v.equals("true") || v.equals("false")) {
            return "bool";
        }
        if (v.matches("-?\\d{1,18}")) {
            return "int";
        }
        if (v.matches("-?\\d+\\.\\d+([eE][-+]?\\d+)?") || v.matches("-?\\d+[eE][-+]?\\d+")) {
            return "float";
        }
        return "string";
    }

    private static List<TagValue> filtered(TraceQuerier q, Operand operand, Expr expr, int limit) {
        Map<String, String> found = new TreeMap<>();
        SpanMatcher matcher = new SpanMatcher(id -> TraceInfo.of(q.trace(id)));
        Val v = new Val();
        int[] read = {0};
        Pushdown.select(q, expr, span -> {
            if (matcher.matches(expr, span)) {
                matcher.value(operand, span, v);
                if (v.type != Type.NONE) {
                    found.putIfAbsent(text(v), typeName(v.type));
                }
            }
            return found.size() < limit && ++read[0] < MAX_SPANS;
        });
        List<TagValue> out = new ArrayList<>(found.size());
        found.forEach((value, type) -> out.add(new TagValue(type, value)));
        return out;
    }

    private static String text(Val v) {
        return switch (v.type) {
            case STRING -> v.s;
            case INT, DURATION -> Long.toString(v.l);
            case DOUBLE -> Double.toString(v.d);
            case BOOL -> v.l != 0 ? "true" : "false";
            case STATUS -> Enums.statusName((int) v.l);
            case KIND -> Enums.kindName((int) v.l);
            case NONE -> "";
        };
    }

    private static String typeName(Type t) {
        return switch (t) {
            case STRING, NONE -> "string";
            case INT -> "int";
            case DOUBLE -> "float";
            case BOOL -> "bool";
            case DURATION -> "duration";
            case STATUS, KIND -> "keyword";
        };
    }
}
