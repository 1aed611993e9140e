package io.sightline.query.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sightline.query.HttpCall;
import io.sightline.query.QueryException;
import io.sightline.query.promql.parser.Expr;
import io.sightline.query.promql.parser.Parser;
import io.sightline.query.promql.parser.Printer;
import io.sightline.query.promql.parser.ValueType;
import io.sightline.query.promql.parser.VectorMatching;
import io.sightline.storage.model.Matcher;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * {@code /api/v1/format_query} (the query as Prometheus's prettifier prints it) and {@code /api/v1/parse_query}
 * (the syntax tree as JSON, in the shape of Prometheus's {@code translateAST}, which its UI's tree view reads).
 * Keys of each object are written in sorted order because Prometheus marshals Go maps, which sorts them.
 */
final class ExpressionEndpoints {
    private ExpressionEndpoints() {
    }

    static Reply format(HttpCall call) {
        String text = Printer.pretty(parse(call));
        return Reply.success(out -> out.gen().writeString(text), List.of(), List.of());
    }

    static Reply parseTree(HttpCall call) {
        Expr e = parse(call);
        return Reply.success(out -> tree(out.gen(), e), List.of(), List.of());
    }

    private static Expr parse(HttpCall call) {
        String q = call.param("query");
        try {
            return Parser.parse(q == null ? "" : q);
        } catch (QueryException e) {
            throw Params.invalid("query", e.getMessage());
        }
    }

    private static void tree(JsonGenerator g, Expr e) throws IOException {
        if (e == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        switch (e) {
            case Expr.Aggregate a -> {
                g.writeFieldName("expr");
                tree(g, a.expr());
                strings(g, "grouping", a.grouping());
                g.writeStringField("op", a.op().keyword());
                g.writeFieldName("param");
                tree(g, a.param());
                g.writeStringField("type", "aggregation");
                g.writeBooleanField("without", a.without());
            }
            case Expr.Binary b -> {
                g.writeBooleanField("bool", b.returnBool());
                g.writeFieldName("lhs");
                tree(g, b.lhs());
                g.writeFieldName("matching");
                matching(g, b.matching());
                g.writeStringField("op", b.op().symbol());
                g.writeFieldName("rhs");
                tree(g, b.rhs());
                g.writeStringField("type", "binaryExpr");
            }
            case Expr.Call c -> {
                g.writeArrayFieldStart("args");
                for (Expr arg : c.args()) {
                    tree(g, arg);
                }
                g.writeEndArray();
                g.writeObjectFieldStart("func");
                g.writeArrayFieldStart("argTypes");
                for (ValueType t : c.function().argTypes()) {
                    g.writeString(typeName(t));
                }
                g.writeEndArray();
                g.writeStringField("name", c.function().name());
                g.writeStringField("returnType", typeName(c.function().returnType()));
                g.writeNumberField("variadic", c.function().variadic());
                g.writeEndObject();
                g.writeStringField("type", "call");
            }
            case Expr.MatrixSelector ms -> {
                Expr.VectorSelector vs = ms.selector();
                matchers(g, vs.matchers());
                g.writeStringField("name", name(vs));
                g.writeNumberField("offset", vs.mod().offsetMillis());
                g.writeNumberField("range", ms.rangeMillis());
                at(g, vs.mod());
                g.writeStringField("type", "matrixSelector");
            }
            case Expr.Subquery sq -> {
                g.writeFieldName("expr");
                tree(g, sq.expr());
                g.writeNumberField("offset", sq.mod().offsetMillis());
                g.writeNumberField("range", sq.rangeMillis());
                startOrEnd(g, sq.mod());
                g.writeNumberField("step", sq.stepMillis());
                timestamp(g, sq.mod());
                g.writeStringField("type", "subquery");
            }
            case Expr.NumberLiteral n -> {
                g.writeStringField("type", "numberLiteral");
                g.writeStringField("val", Printer.print(n));
            }
            case Expr.Paren p -> {
                g.writeFieldName("expr");
                tree(g, p.expr());
                g.writeStringField("type", "parenExpr");
            }
            case Expr.StringLiteral s -> {
                g.writeStringField("type", "stringLiteral");
                g.writeStringField("val", s.value());
            }
            case Expr.Unary u -> {
                g.writeFieldName("expr");
                tree(g, u.expr());
                g.writeStringField("op", u.negate() ? "-" : "+");
                g.writeStringField("type", "unaryExpr");
            }
            case Expr.VectorSelector vs -> {
                matchers(g, vs.matchers());
                g.writeStringField("name", name(vs));
                g.writeNumberField("offset", vs.mod().offsetMillis());
                at(g, vs.mod());
                g.writeStringField("type", "vectorSelector");
            }
        }
        g.writeEndObject();
    }

    private static void matching(JsonGenerator g, VectorMatching m) throws IOException {
        if (m == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("card", m.card().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        strings(g, "include", m.include());
        strings(g, "labels", m.labels());
        g.writeBooleanField("on", m.on());
        g.writeEndObject();
    }

    private static void matchers(JsonGenerator g, List<Matcher> matchers) throws IOException {
        g.writeArrayFieldStart("matchers");
        for (Matcher m : matchers) {
            g.writeStartObject();
            g.writeStringField("name", m.name());
            g.writeStringField("type", m.type().symbol());
            g.writeStringField("value", m.value());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** {@code startOrEnd} then {@code timestamp}: the two keys sort around others only in subqueries. */
    private static void at(JsonGenerator g, Expr.Modifiers mod) throws IOException {
        startOrEnd(g, mod);
        timestamp(g, mod);
    }

    private static void startOrEnd(JsonGenerator g, Expr.Modifiers mod) throws IOException {
        switch (mod.at()) {
            case START -> g.writeStringField("startOrEnd", "start");
            case END -> g.writeStringField("startOrEnd", "end");
            default -> g.writeNullField("startOrEnd");
        }
    }

    private static void timestamp(JsonGenerator g, Expr.Modifiers mod) throws IOException {
        if (mod.at() == Expr.AtMode.TIMESTAMP) {
            g.writeNumberField("timestamp", mod.atMillis());
        } else {
            g.writeNullField("timestamp");
        }
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /** The name as written before the braces; a quoted name inside them is only a matcher, as in Prometheus. */
    private static String name(Expr.VectorSelector vs) {
        return vs.name() == null ? "" : vs.name();
    }

    /** Prometheus's {@code ValueType} strings. */
    private static String typeName(ValueType t) {
        return switch (t) {
            case SCALAR -> "scalar";
            case VECTOR -> "vector";
            case MATRIX -> "matrix";
            case STRING -> "string";
        };
    }
}
