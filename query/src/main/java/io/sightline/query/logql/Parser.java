package io.sightline.query.logql;

import io.sightline.query.QueryException;
import io.sightline.storage.model.Matcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.sightline.query.logql.Token.Kind.*;

/**
 * Recursive-descent LogQL parser. Errors are {@link QueryException}s of type bad_data naming the position
 * and what was expected.
 */
public final class Parser {
    static final Set<String> RANGE_FUNCTIONS = Set.of("count_over_time", "rate", "bytes_over_time", "bytes_rate",
            "sum_over_time", "avg_over_time", "min_over_time", "max_over_time", "stddev_over_time", "stdvar_over_time",
            "quantile_over_time", "first_over_time", "last_over_time", "absent_over_time", "rate_counter");
    static final Set<String> UNWRAPPED = Set.of("sum_over_time", "avg_over_time", "min_over_time", "max_over_time",
            "stddev_over_time", "stdvar_over_time", "quantile_over_time", "first_over_time", "last_over_time", "rate_counter");
    static final Set<String> AGGREGATIONS = Set.of("sum", "avg", "min", "max", "count", "topk", "bottomk", "stddev",
            "stdvar", "sort", "sort_desc");

    private final List<Token> tokens;
    private int at;

    private Parser(String src) {
        this.tokens = Lexer.tokens(src);
    }

    /** Parses a whole expression. */
    static Expr parse(String src) {
        if (src == null || src.isBlank()) {
            throw Lexer.error("empty query", 0);
        }
        Parser p = new Parser(src);
        Expr e = p.expr(0);
        if (!p.peek().is(EOF)) {
            throw p.unexpected("end of query");
        }
        return e;
    }

    /** Parses {@code {a="b", ...}} alone (the {@code match[]}/{@code query} parameter of the series and label APIs). */
    static List<Matcher> parseSelector(String src) {
        Parser p = new Parser(src);
        List<Matcher> m = p.matchers();
        if (!p.peek().is(EOF)) {
            throw p.unexpected("end of selector");
        }
        return m;
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(at + ahead, tokens.size() - 1));
    }

    private Token take() {
        return tokens.get(at++);
    }

    private Token expect(Token.Kind kind, String what) {
        if (!peek().is(kind)) {
            throw unexpected(what);
        }
        return take();
    }

    private QueryException unexpected(String expected) {
        Token t = peek();
        return Lexer.error("expected " + expected + " but found " + (t.is(EOF) ? "end of query" : "\"" + t.text() + "\""), t.pos());
    }

    // Binary operators by precedence, lowest first (as PromQL).
    private static int precedence(Token t) {
        if (t.isIdent("or")) {
            return 1;
        }
        if (t.isIdent("and") || t.isIdent("unless")) {
            return 2;
        }
        return switch (t.kind()) {
            case EQEQ, NEQ, GT, GTE, LT, LTE -> 3;
            case ADD, SUB -> 4;
            case MUL, DIV, MOD -> 5;
            case POW -> 6;
            default -> -1;
        };
    }

    private Expr expr(int minPrecedence) {
        Expr left = unary();
        while (true) {
            Token op = peek();
            int p = precedence(op);
            if (p < 0 || p < minPrecedence || p == 0) {
                return left;
            }
            take();
            boolean returnBool = false;
            if (peek().isIdent("bool")) {
                take();
                returnBool = true;
            }
            Expr.Matching matching = matching(op);
            Expr right = expr(op.is(POW) ? p : p + 1);
            checkMetric(left, op);
            checkMetric(right, op);
            left = new Expr.Binary(op.text(), left, right, returnBool, matching);
        }
    }

    /** {@code on(..)} / {@code ignoring(..)}, then optionally {@code group_left(..)} / {@code group_right(..)}. */
    private Expr.Matching matching(Token op) {
        if (!peek().isIdent("on") && !peek().isIdent("ignoring")) {
            return null;
        }
        boolean on = take().text().equals("on");
        List<String> labels = labelList(on ? "on" : "ignoring");
        String group = null;
        List<String> include = List.of();
        if (peek().isIdent("group_left") || peek().isIdent("group_right")) {
            Token g = take();
            if (op.isIdent("and") || op.isIdent("or") || op.isIdent("unless")) {
                throw Lexer.error(g.text() + " cannot be used with " + op.text() + " (set operators match many-to-many)", g.pos());
            }
            group = g.text().equals("group_left") ? "left" : "right";
            if (peek().is(LPAREN)) {
                include = labelList(g.text());
            }
        }
        return new Expr.Matching(on, labels, group, include);
    }

    private List<String> labelList(String after) {
        expect(LPAREN, "\"(\" after " + after);
        List<String> labels = new ArrayList<>();
        while (!peek().is(RPAREN)) {
            labels.add(expect(IDENT, "a label name").text());
            if (peek().is(COMMA)) {
                take();
            } else if (!peek().is(RPAREN)) {
                throw unexpected("\",\" or \")\"");
            }
        }
        take();
        return List.copyOf(labels);
    }

    private void checkMetric(Expr e, Token op) {
        if (e instanceof Expr.LogSelector) {
            throw Lexer.error("binary operator " + op.text() + " needs metric queries on both sides, got a log query", op.pos());
        }
    }

    private Expr unary() {
        Token t = peek();
        if (t.is(NUMBER)) {
            take();
            return new Expr.NumberLiteral(parseNumber(t));
        }
        if (t.is(SUB) && peek(1).is(NUMBER)) {
            take();
            return new Expr.NumberLiteral(-parseNumber(take()));
        }
        if (t.is(LPAREN)) {
            take();
            Expr e = expr(0);
            expect(RPAREN, "\")\"");
            return e;
        }
        if (t.is(LBRACE)) {
            LogSelector sel = logSelector();
            if (peek().is(LBRACKET)) {
                throw Lexer.error("a range [..] only goes inside a range aggregation such as count_over_time(...)", peek().pos());
            }
            return sel.toExpr();
        }
        if (t.is(IDENT)) {
            if (RANGE_FUNCTIONS.contains(t.text())) {
                return rangeAggregation();
            }
            if (AGGREGATIONS.contains(t.text())) {
                return vectorAggregation();
            }
            if (t.text().equals("vector")) {
                take();
                expect(LPAREN, "\"(\" after vector");
                double v = number();
                expect(RPAREN, "\")\"");
                return new Expr.VectorLiteral(v);
            }
            throw Lexer.error("unknown function or aggregation \"" + t.text() + "\"", t.pos());
        }
        throw unexpected("a log selector {...}, a metric query or a number");
    }

    private static double parseNumber(Token t) {
        try {
            return Double.parseDouble(t.text());
        } catch (NumberFormatException e) {
            throw Lexer.error("bad number \"" + t.text() + "\"", t.pos());
        }
    }

    private static long duration(Token t) {
        try {
            return Units.durationNanos(t.text());
        } catch (NumberFormatException e) {
            throw Lexer.error("bad duration \"" + t.text() + "\"", t.pos());
        }
    }

    private double number() {
        boolean negative = false;
        if (peek().is(SUB)) {
            take();
            negative = true;
        }
        Token n = expect(NUMBER, "a number");
        return negative ? -parseNumber(n) : parseNumber(n);
    }

    /** A selector with its pipeline, plus the range and offset when they are written inside it. */
    private final class LogSelector {
        final List<Matcher> matchers;
        final List<Stage> stages = new ArrayList<>();
        long rangeNanos = -1;

        LogSelector(List<Matcher> matchers) {
            this.matchers = matchers;
        }

        Expr.LogSelector toExpr() {
            return new Expr.LogSelector(matchers, List.copyOf(stages));
        }
    }

    private LogSelector logSelector() {
        LogSelector sel = new LogSelector(matchers());
        if (sel.matchers.isEmpty() || sel.matchers.stream().allMatch(Matcher::matchesEmpty)) {
            throw Lexer.error("queries require at least one label matcher that does not match the empty string, e.g. {service_name=\"api\"}", 0);
        }
        // Loki accepts the range before or after the pipeline: {a="b"}[5m] |= "x" and {a="b"} |= "x" [5m].
        if (peek().is(LBRACKET)) {
            sel.rangeNanos = range();
        }
        pipeline(sel.stages);
        if (peek().is(LBRACKET)) {
            if (sel.rangeNanos >= 0) {
                throw Lexer.error("a range is given twice", peek().pos());
            }
            sel.rangeNanos = range();
        }
        return sel;
    }

    private long range() {
        expect(LBRACKET, "\"[\"");
        Token d = expect(DURATION, "a duration such as 5m");
        expect(RBRACKET, "\"]\"");
        long nanos = duration(d);
        if (nanos <= 0) {
            throw Lexer.error("range must be positive, got " + d.text(), d.pos());
        }
        return nanos;
    }

    private List<Matcher> matchers() {
        expect(LBRACE, "\"{\"");
        List<Matcher> out = new ArrayList<>();
        while (!peek().is(RBRACE)) {
            Token name = expect(IDENT, "a label name");
            Token op = take();
            Matcher.Type type = switch (op.kind()) {
                case EQ -> Matcher.Type.EQ;
                case NEQ -> Matcher.Type.NEQ;
                case RE -> Matcher.Type.RE;
                case NRE -> Matcher.Type.NRE;
                default -> throw Lexer.error("expected one of = != =~ !~ after label " + name.text() + " but found \"" + op.text() + "\"", op.pos());
            };
            Token value = expect(STRING, "a quoted label value");
            try {
                out.add(Matcher.of(type, name.text(), value.text()));
            } catch (RuntimeException e) {
                throw Lexer.error("bad matcher " + name.text() + op.text() + "\"" + value.text() + "\": " + e.getMessage(), value.pos());
            }
            if (peek().is(COMMA)) {
                take();
            } else if (!peek().is(RBRACE)) {
                throw unexpected("\",\" or \"}\"");
            }
        }
        take();
        return out;
    }

    private void pipeline(List<Stage> stages) {
        while (true) {
            Token t = peek();
            switch (t.kind()) {
                case PIPE_EXACT, NEQ, PIPE_MATCH, NRE -> stages.add(lineFilter());
                case PIPE -> {
                    take();
                    stages.add(stage());
                }
                default -> {
                    return;
                }
            }
        }
    }

    private Stage lineFilter() {
        Token op = take();
        List<String> values = new ArrayList<>();
        values.add(expect(STRING, "a quoted string after " + op.text()).text());
        while (peek().isIdent("or") && peek(1).is(STRING)) {
            take();
            values.add(take().text());
        }
        Stage.LineFilter f = new Stage.LineFilter(op.text(), List.copyOf(values));
        if (op.is(PIPE_MATCH) || op.is(NRE)) {
            for (String v : values) {
                try {
                    java.util.regex.Pattern.compile(v);
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw Lexer.error("invalid regular expression \"" + v + "\": " + e.getDescription(), op.pos());
                }
            }
        }
        return f;
    }

    private Stage stage() {
        Token t = peek();
        if (t.is(IDENT)) {
            switch (t.text()) {
                case "json" -> {
                    take();
                    return new Stage.Json(jsonParams());
                }
                case "logfmt" -> {
                    take();
                    while (peek().is(SUB) || peek().isIdent("strict") || peek().isIdent("keep_empty")) {
                        take(); // --strict / --keep-empty flags: accepted, default behaviour kept
                    }
                    return new Stage.Logfmt();
                }
                case "regexp" -> {
                    take();
                    String re = expect(STRING, "a quoted regular expression").text();
                    try {
                        java.util.regex.Pattern.compile(RegexpStage.toJava(re));
                    } catch (java.util.regex.PatternSyntaxException e) {
                        throw Lexer.error("invalid regular expression \"" + re + "\": " + e.getDescription(), t.pos());
                    }
                    return new Stage.Regexp(re);
                }
                case "pattern" -> {
                    take();
                    Token p = expect(STRING, "a quoted pattern");
                    try {
                        PatternStage.compile(p.text());
                    } catch (IllegalArgumentException e) {
                        throw Lexer.error(e.getMessage(), p.pos());
                    }
                    return new Stage.Pattern(p.text());
                }
                case "line_format" -> {
                    take();
                    Token tpl = expect(STRING, "a quoted template");
                    try {
                        Template.parse(tpl.text());
                    } catch (IllegalArgumentException e) {
                        throw Lexer.error("bad line_format template: " + e.getMessage(), tpl.pos());
                    }
                    return new Stage.LineFormat(tpl.text());
                }
                case "label_format" -> {
                    take();
                    return labelFormat();
                }
                case "drop", "keep" -> {
                    take();
                    List<Stage.LabelMatch> labels = new ArrayList<>();
                    do {
                        if (peek().is(COMMA)) {
                            take();
                        }
                        String name = expect(IDENT, "a label name").text();
                        if (peek().is(EQ) || peek().is(NEQ) || peek().is(RE) || peek().is(NRE)) {
                            Token op = take();
                            Token value = expect(STRING, "a quoted value after " + name + op.text());
                            if (op.is(RE) || op.is(NRE)) {
                                try {
                                    java.util.regex.Pattern.compile(value.text());
                                } catch (java.util.regex.PatternSyntaxException e) {
                                    throw Lexer.error("invalid regular expression \"" + value.text() + "\": " + e.getDescription(), value.pos());
                                }
                            }
                            labels.add(new Stage.LabelMatch(name, op.text(), value.text()));
                        } else {
                            labels.add(new Stage.LabelMatch(name, "", ""));
                        }
                    } while (peek().is(COMMA));
                    return new Stage.DropKeep(t.text().equals("keep"), List.copyOf(labels));
                }
                case "unwrap" -> {
                    take();
                    Token name = expect(IDENT, "a label name to unwrap");
                    if (peek().is(LPAREN) && (name.text().equals("duration") || name.text().equals("duration_seconds") || name.text().equals("bytes"))) {
                        take();
                        Token label = expect(IDENT, "a label name");
                        expect(RPAREN, "\")\"");
                        return new Stage.Unwrap(label.text(), name.text());
                    }
                    return new Stage.Unwrap(name.text(), "");
                }
                case "decolorize" -> {
                    take();
                    return new Stage.Decolorize();
                }
                default -> {
                    if (peek(1).is(IDENT) || peek(1).is(EOF)) {
                        throw Lexer.error("unknown pipeline stage \"" + t.text() + "\"", t.pos());
                    }
                    return new Stage.LabelFilter(filterOr());
                }
            }
        }
        if (t.is(LPAREN)) {
            return new Stage.LabelFilter(filterOr());
        }
        throw unexpected("a parser, label filter or formatter after \"|\"");
    }

    private List<String[]> jsonParams() {
        List<String[]> params = new ArrayList<>();
        while (peek().is(IDENT) && (peek(1).is(EQ) || peek(1).is(COMMA) || peek(1).is(PIPE) || peek(1).is(EOF)
                || peek(1).is(RPAREN) || peek(1).is(LBRACKET))) {
            String label = take().text();
            String path = label;
            if (peek().is(EQ)) {
                take();
                path = expect(STRING, "a quoted JSON path").text();
            }
            params.add(new String[] {label, path});
            if (peek().is(COMMA)) {
                take();
            } else {
                break;
            }
        }
        return params;
    }

    private Stage labelFormat() {
        List<Stage.Assignment> list = new ArrayList<>();
        do {
            if (peek().is(COMMA)) {
                take();
            }
            String target = expect(IDENT, "a label name").text();
            expect(EQ, "\"=\"");
            Token src = take();
            if (src.is(IDENT)) {
                list.add(new Stage.Assignment(target, src.text(), false));
            } else if (src.is(STRING)) {
                try {
                    Template.parse(src.text());
                } catch (IllegalArgumentException e) {
                    throw Lexer.error("bad label_format template: " + e.getMessage(), src.pos());
                }
                list.add(new Stage.Assignment(target, src.text(), true));
            } else {
                throw Lexer.error("expected a label name or a quoted template after " + target + "=", src.pos());
            }
        } while (peek().is(COMMA));
        return new Stage.LabelFormat(List.copyOf(list));
    }

    private Stage.Filter filterOr() {
        Stage.Filter left = filterAnd();
        while (peek().isIdent("or")) {
            take();
            left = new Stage.Or(left, filterAnd());
        }
        return left;
    }

    private Stage.Filter filterAnd() {
        Stage.Filter left = filterPrimary();
        while (peek().isIdent("and") || peek().is(COMMA)) {
            take();
            left = new Stage.And(left, filterPrimary());
        }
        return left;
    }

    private Stage.Filter filterPrimary() {
        if (peek().is(LPAREN)) {
            take();
            Stage.Filter f = filterOr();
            expect(RPAREN, "\")\"");
            return f;
        }
        Token name = expect(IDENT, "a label name");
        Token op = take();
        if (!Set.of(EQ, NEQ, RE, NRE, GT, GTE, LT, LTE, EQEQ).contains(op.kind())) {
            throw Lexer.error("expected a comparison after label " + name.text() + " but found \"" + op.text() + "\"", op.pos());
        }
        Token value = take();
        if (value.is(SUB) && peek().is(NUMBER)) {
            value = new Token(NUMBER, "-" + take().text(), value.pos());
        }
        switch (value.kind()) {
            case STRING -> {
                if (!Set.of(EQ, NEQ, RE, NRE).contains(op.kind())) {
                    throw Lexer.error("a string value needs = != =~ or !~, not " + op.text(), op.pos());
                }
                if (op.is(RE) || op.is(NRE)) {
                    try {
                        java.util.regex.Pattern.compile(value.text());
                    } catch (java.util.regex.PatternSyntaxException e) {
                        throw Lexer.error("invalid regular expression \"" + value.text() + "\": " + e.getDescription(), value.pos());
                    }
                }
            }
            case NUMBER, DURATION, BYTES -> {
                if (op.is(RE) || op.is(NRE)) {
                    throw Lexer.error("=~ and !~ need a quoted regular expression", op.pos());
                }
            }
            default -> throw Lexer.error("expected a value after " + name.text() + op.text() + " but found \"" + value.text() + "\"", value.pos());
        }
        return new Stage.Comparison(name.text(), op.text(), value.text(), value.kind());
    }

    private Expr rangeAggregation() {
        Token fn = take();
        expect(LPAREN, "\"(\" after " + fn.text());
        double param = Double.NaN;
        if (fn.text().equals("quantile_over_time")) {
            param = number();
            expect(COMMA, "\",\" after the quantile");
        }
        LogSelector sel;
        if (peek().is(LPAREN)) { // count_over_time(({a="b"} |= "x")[5m])
            take();
            sel = logSelector();
            expect(RPAREN, "\")\"");
            if (sel.rangeNanos < 0 && peek().is(LBRACKET)) {
                sel.rangeNanos = range();
            }
        } else {
            sel = logSelector();
        }
        if (sel.rangeNanos < 0) {
            throw Lexer.error(fn.text() + " needs a range such as [5m] after its log selector", peek().pos());
        }
        long offset = 0;
        if (peek().isIdent("offset")) {
            take();
            offset = duration(expect(DURATION, "a duration after offset"));
        }
        expect(RPAREN, "\")\" to close " + fn.text());
        Stage.Unwrap unwrap = null;
        List<Stage> stages = new ArrayList<>(sel.stages);
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i) instanceof Stage.Unwrap u) {
                unwrap = u;
            }
        }
        if (UNWRAPPED.contains(fn.text()) && unwrap == null) {
            throw Lexer.error(fn.text() + " needs | unwrap <label> in its log selector", fn.pos());
        }
        if (!UNWRAPPED.contains(fn.text()) && unwrap != null && !fn.text().equals("rate")) {
            throw Lexer.error(fn.text() + " does not take | unwrap", fn.pos());
        }
        Expr.Grouping grouping = grouping();
        return new Expr.RangeAggregation(fn.text(), sel.toExpr(), sel.rangeNanos, offset, unwrap, param, grouping);
    }

    private Expr.Grouping grouping() {
        if (!peek().isIdent("by") && !peek().isIdent("without")) {
            return null;
        }
        boolean without = take().text().equals("without");
        return new Expr.Grouping(without, labelList("by/without"));
    }

    private Expr vectorAggregation() {
        Token op = take();
        Expr.Grouping grouping = grouping();
        expect(LPAREN, "\"(\" after " + op.text());
        double param = Double.NaN;
        if (op.text().equals("topk") || op.text().equals("bottomk")) {
            param = number();
            if (param < 1 || param != Math.rint(param)) {
                throw Lexer.error(op.text() + " needs a whole number >= 1, got " + param, op.pos());
            }
            expect(COMMA, "\",\" after the parameter of " + op.text());
        }
        Expr inner = expr(0);
        if (inner instanceof Expr.LogSelector) {
            throw Lexer.error(op.text() + " needs a metric query such as count_over_time({...}[5m]), got a log query", op.pos());
        }
        expect(RPAREN, "\")\" to close " + op.text());
        if (grouping == null) {
            grouping = grouping();
        }
        return new Expr.VectorAggregation(op.text(), grouping, param, inner);
    }
}
