package io.sightline.query.promql.parser;

import io.sightline.query.QueryException;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent, precedence-climbing PromQL parser with Prometheus 3 syntax and error messages.
 * Errors are {@link QueryException}s of type BAD_DATA, phrased {@code 1:5: parse error: unexpected ...}.
 */
public final class Parser {
    /** Binary-operator modifiers: never a function name, so {@code ignoring(} out of place is a syntax error. */
    private static final java.util.Set<String> MODIFIER_KEYWORDS = java.util.Set.of("on", "ignoring", "group_left",
            "group_right", "bool", "by", "without");

    private final String query;
    /** True while parsing info()'s data-label selector, which may hold only empty-matching matchers. */
    private boolean lenientSelectors;
    /** Bounds recursion so that a hostile query fails with a parse error, not a StackOverflowError. */
    private static final int MAX_DEPTH = 500;
    private int depth;
    private final List<Token> tokens;
    private int i;

    /** What {@code step()} and {@code range()} mean in duration expressions, in seconds. */
    private final double stepSeconds;
    private final double rangeSeconds;

    private Parser(String query, long stepMillis, long rangeMillis) {
        this.query = query;
        this.tokens = Lexer.lex(query);
        this.stepSeconds = stepMillis / 1000.0;
        this.rangeSeconds = rangeMillis / 1000.0;
    }

    /** Parses a whole expression for an instant query ({@code step()} and {@code range()} are 0). */
    public static Expr parse(String query) {
        return parse(query, 0, 0);
    }

    /**
     * Parses a whole expression; duration expressions ({@code [step()*2]}, {@code offset (1h/2)}) are folded
     * with the query's step and range (end - start).
     */
    public static Expr parse(String query, long stepMillis, long rangeMillis) {
        Parser p = new Parser(query, stepMillis, rangeMillis);
        if (p.peek().is(TokenKind.EOF)) {
            throw p.error(new PosRange(0, 0), "no expression found in input");
        }
        Expr e = p.expr(0);
        Token t = p.peek();
        if (!t.is(TokenKind.EOF)) {
            throw p.unexpected(t, null);
        }
        return e;
    }

    /**
     * Parses a series selector alone, as Prometheus's {@code ParseMetricSelector} does for the API's {@code match[]}:
     * {@code name}, {@code name{...}} or {@code {...}} and nothing after it. Selectors whose matchers all match the
     * empty string are returned too; the caller decides whether to refuse them.
     *
     * @return the matchers; a name before the braces is the last one, an {@code __name__} equality matcher
     */
    public static List<Matcher> parseSelector(String selector) {
        Parser p = new Parser(selector, 0, 0);
        p.lenientSelectors = true;
        Token t = p.peek();
        Expr.VectorSelector vs;
        if (t.is(TokenKind.LEFT_BRACE)) {
            vs = p.selector(null, t.start());
        } else if (t.is(TokenKind.IDENTIFIER) || t.is(TokenKind.METRIC_IDENTIFIER)) {
            p.next();
            vs = p.selector(t.text(), t.start());
        } else {
            throw p.unexpected(t, null);
        }
        Token rest = p.peek();
        if (!rest.is(TokenKind.EOF)) {
            throw p.unexpected(rest, null);
        }
        return vs.matchers();
    }

    // ---- expressions ----

    private Expr expr(int minPrec) {
        if (++depth > MAX_DEPTH) {
            throw error(peek().range(), "expression nested too deeply (more than " + MAX_DEPTH + " levels)");
        }
        try {
            return binaryTail(unary(), minPrec);
        } finally {
            depth--;
        }
    }

    private Expr binaryTail(Expr first, int minPrec) {
        Expr lhs = first;
        while (true) {
            BinaryOp op = binaryOp(peek());
            if (op == null || op.precedence() < minPrec) {
                return lhs;
            }
            Token opTok = next();
            boolean returnBool = false;
            if (peek().isWord("bool")) {
                next();
                returnBool = true;
            }
            VectorMatching matching = matching(op);
            Expr rhs = expr(op.rightAssociative() ? op.precedence() : op.precedence() + 1);
            lhs = binary(op, opTok, lhs, rhs, matching, returnBool);
        }
    }

    private VectorMatching matching(BinaryOp op) {
        VectorMatching.Cardinality card = op.isSetOperator()
                ? VectorMatching.Cardinality.MANY_TO_MANY : VectorMatching.Cardinality.ONE_TO_ONE;
        List<String> labels = List.of();
        boolean on = false;
        List<String> include = List.of();
        if (peek().isWord("on") || peek().isWord("ignoring")) {
            on = next().isWord("on");
            labels = labelList();
            if (peek().isWord("group_left") || peek().isWord("group_right")) {
                card = next().isWord("group_left")
                        ? VectorMatching.Cardinality.MANY_TO_ONE : VectorMatching.Cardinality.ONE_TO_MANY;
                if (peek().is(TokenKind.LEFT_PAREN)) {
                    include = labelList();
                }
            }
        } else if (peek().isWord("group_left") || peek().isWord("group_right")) {
            throw unexpected(peek(), null);
        }
        Double fillLeft = null;
        Double fillRight = null;
        while (isFillModifier()) {
            String kind = next().text().toLowerCase();
            expect(TokenKind.LEFT_PAREN, kind + " modifier", "\"(\"");
            Token t = next();
            boolean negative = false;
            if (t.is(TokenKind.SUB) || t.is(TokenKind.ADD)) {
                negative = t.is(TokenKind.SUB);
                t = next();
            }
            if (!t.is(TokenKind.NUMBER)) {
                throw unexpected(t, kind + " modifier", "number");
            }
            double v = negative ? -parseNumber(t) : parseNumber(t);
            expect(TokenKind.RIGHT_PAREN, kind + " modifier", "\")\"");
            if (!kind.equals("fill_right")) {
                fillLeft = v;
            }
            if (!kind.equals("fill_left")) {
                fillRight = v;
            }
        }
        return new VectorMatching(card, labels, on, include, fillLeft, fillRight);
    }

    /** {@code fill(}, {@code fill_left(} or {@code fill_right(} where a binary operator's modifiers go. */
    private boolean isFillModifier() {
        Token t = peek();
        return (t.isWord("fill") || t.isWord("fill_left") || t.isWord("fill_right"))
                && i + 1 < tokens.size() && tokens.get(i + 1).is(TokenKind.LEFT_PAREN);
    }

    private Expr binary(BinaryOp op, Token opTok, Expr lhs, Expr rhs, VectorMatching m, boolean returnBool) {
        PosRange all = lhs.pos().to(rhs.pos());
        PosRange opRange = opTok.range();
        if (returnBool && !op.isComparison()) {
            throw error(opRange, "bool modifier can only be used on comparison operators");
        }
        ValueType lt = lhs.type();
        ValueType rt = rhs.type();
        if (op.isComparison() && !returnBool && lt == ValueType.SCALAR && rt == ValueType.SCALAR) {
            throw error(opRange, "comparisons between scalars must use BOOL modifier");
        }
        if (m.on()) {
            for (String l : m.labels()) {
                if (m.include().contains(l)) {
                    throw error(opRange, "label \"" + l + "\" must not occur in ON and GROUP clause at once");
                }
            }
        }
        if (lt != ValueType.SCALAR && lt != ValueType.VECTOR) {
            throw error(lhs.pos(), "binary expression must contain only scalar and instant vector types");
        }
        if (rt != ValueType.SCALAR && rt != ValueType.VECTOR) {
            throw error(rhs.pos(), "binary expression must contain only scalar and instant vector types");
        }
        VectorMatching matching = m;
        if (lt != ValueType.VECTOR || rt != ValueType.VECTOR) {
            if (!m.labels().isEmpty() || m.on()) {
                throw error(all, "vector matching only allowed between instant vectors");
            }
            matching = null;
        } else if (op.isSetOperator()) {
            if (m.card() == VectorMatching.Cardinality.ONE_TO_MANY || m.card() == VectorMatching.Cardinality.MANY_TO_ONE) {
                throw error(all, "no grouping allowed for \"" + op.symbol() + "\" operation");
            }
        }
        if ((lt == ValueType.SCALAR || rt == ValueType.SCALAR) && op.isSetOperator()) {
            throw error(all, "set operator \"" + op.symbol() + "\" not allowed in binary scalar expression");
        }
        return new Expr.Binary(op, lhs, rhs, matching, returnBool, all);
    }

    private static BinaryOp binaryOp(Token t) {
        return switch (t.kind()) {
            case ADD -> BinaryOp.ADD;
            case SUB -> BinaryOp.SUB;
            case MUL -> BinaryOp.MUL;
            case DIV -> BinaryOp.DIV;
            case MOD -> BinaryOp.MOD;
            case POW -> BinaryOp.POW;
            case EQL -> BinaryOp.EQL;
            case NEQ -> BinaryOp.NEQ;
            case LSS -> BinaryOp.LSS;
            case LTE -> BinaryOp.LTE;
            case GTR -> BinaryOp.GTR;
            case GTE -> BinaryOp.GTE;
            case IDENTIFIER -> switch (t.text().toLowerCase()) {
                case "and" -> BinaryOp.AND;
                case "or" -> BinaryOp.OR;
                case "unless" -> BinaryOp.UNLESS;
                case "atan2" -> BinaryOp.ATAN2;
                default -> null;
            };
            default -> null;
        };
    }

    private Expr unary() {
        Token t = peek();
        if (t.is(TokenKind.ADD) || t.is(TokenKind.SUB)) {
            next();
            Expr operand = expr(BinaryOp.POW.precedence());
            PosRange pos = new PosRange(t.start(), operand.pos().end());
            if (operand instanceof Expr.NumberLiteral n) {
                return new Expr.NumberLiteral(t.is(TokenKind.SUB) ? -n.value() : n.value(), pos);
            }
            if (operand.type() != ValueType.SCALAR && operand.type() != ValueType.VECTOR) {
                throw error(pos, "unary expression only allowed on expressions of type scalar or instant vector, got \""
                        + operand.type() + "\"");
            }
            return new Expr.Unary(t.is(TokenKind.SUB), operand, pos);
        }
        return postfix(primary());
    }

    private Expr primary() {
        Token t = peek();
        switch (t.kind()) {
            case NUMBER -> {
                next();
                return new Expr.NumberLiteral(parseNumber(t), t.range());
            }
            case DURATION -> {
                next();
                return new Expr.NumberLiteral(durationMillis(t) / 1000.0, t.range());
            }
            case STRING -> {
                next();
                return new Expr.StringLiteral(t.text(), t.range());
            }
            case LEFT_PAREN -> {
                next();
                Expr inner = expr(0);
                Token close = expect(TokenKind.RIGHT_PAREN, "paren expression", "\")\"");
                return new Expr.Paren(inner, new PosRange(t.start(), close.end()));
            }
            case LEFT_BRACE -> {
                return selector(null, t.start());
            }
            case IDENTIFIER, METRIC_IDENTIFIER -> {
                next();
                Token after = peek();
                AggregateOp agg = t.is(TokenKind.IDENTIFIER) ? AggregateOp.byKeyword(t.text()) : null;
                if (agg != null && (after.is(TokenKind.LEFT_PAREN) || after.isWord("by") || after.isWord("without"))) {
                    return aggregate(agg, t);
                }
                if (after.is(TokenKind.LEFT_PAREN) && t.is(TokenKind.IDENTIFIER)) {
                    if (MODIFIER_KEYWORDS.contains(t.text().toLowerCase())) {
                        throw unexpected(t, null);
                    }
                    return call(t);
                }
                return selector(t.text(), t.start());
            }
            default -> throw unexpected(t, null);
        }
    }

    private double parseNumber(Token t) {
        String s = t.text();
        String lower = s.toLowerCase();
        if (lower.equals("inf")) {
            return Double.POSITIVE_INFINITY;
        }
        if (lower.equals("nan")) {
            return Double.NaN;
        }
        try {
            if (lower.startsWith("0x")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            double d = Double.parseDouble(s);
            if (Double.isInfinite(d)) {
                throw error(t.range(), "error parsing number: strconv.ParseFloat: parsing \"" + s + "\": value out of range");
            }
            return d;
        } catch (NumberFormatException e) {
            throw error(t.range(), "error parsing number: strconv.ParseFloat: parsing \"" + s + "\": invalid syntax");
        }
    }

    // ---- selectors ----

    private Expr.VectorSelector selector(String name, int start) {
        List<Matcher> matchers = new ArrayList<>();
        int end = start + (name == null ? 0 : name.length());
        String braceName = null;
        if (peek().is(TokenKind.LEFT_BRACE)) {
            next();
            while (!peek().is(TokenKind.RIGHT_BRACE)) {
                Token lt = next();
                if (lt.is(TokenKind.STRING) && (peek().is(TokenKind.COMMA) || peek().is(TokenKind.RIGHT_BRACE))) {
                    if (braceName != null || name != null) {
                        throw error(lt.range(), "metric name must not be set twice: " + Strings.goQuote(name != null ? name : braceName)
                                + " or " + Strings.goQuote(lt.text()));
                    }
                    braceName = lt.text();
                    matchers.add(matcher(Matcher.Type.EQ, Labels.METRIC_NAME, lt.text(), lt.range()));
                } else {
                    if (!(lt.is(TokenKind.IDENTIFIER) || lt.is(TokenKind.STRING))) {
                        throw unexpected(lt, "label matching", "identifier or \"}\"");
                    }
                    if (lt.is(TokenKind.STRING) && !Strings.isValidUtf8(lt.text())) {
                        throw error(lt.range(), "invalid label name " + Strings.goQuote(lt.text()));
                    }
                    Token opTok = next();
                    Matcher.Type type = switch (opTok.kind()) {
                        case ASSIGN -> Matcher.Type.EQ;
                        case NEQ -> Matcher.Type.NEQ;
                        case EQL_REGEX -> Matcher.Type.RE;
                        case NEQ_REGEX -> Matcher.Type.NRE;
                        default -> throw unexpected(opTok, "label matching", "label matching operator");
                    };
                    Token vt = next();
                    if (!vt.is(TokenKind.STRING)) {
                        throw unexpected(vt, "label matching", "string");
                    }
                    matchers.add(matcher(type, lt.text(), vt.text(), vt.range()));
                }
                if (peek().is(TokenKind.COMMA)) {
                    next();
                } else if (!peek().is(TokenKind.RIGHT_BRACE)) {
                    throw unexpected(peek(), "label matching", "\",\" or \"}\"");
                }
            }
            end = next().end();
        }
        if (name != null) {
            for (Matcher m : matchers) {
                if (m.name().equals(Labels.METRIC_NAME)) {
                    throw error(new PosRange(start, end), "metric name must not be set twice: " + Strings.goQuote(name)
                            + " or " + Strings.goQuote(m.value()));
                }
            }
            matchers.add(matcher(Matcher.Type.EQ, Labels.METRIC_NAME, name, new PosRange(start, end)));
        }
        boolean nonEmpty = false;
        for (Matcher m : matchers) {
            nonEmpty |= !m.matchesEmpty();
        }
        if (!nonEmpty && !lenientSelectors) {
            throw error(new PosRange(start, end), "vector selector must contain at least one non-empty matcher");
        }
        return new Expr.VectorSelector(name != null ? name : braceName, List.copyOf(matchers), Expr.Modifiers.NONE,
                new PosRange(start, end));
    }

    /** A DURATION token's milliseconds; {@code 5s1m} lexes as one but is no duration, as in Prometheus. */
    private long durationMillis(Token t) {
        try {
            return Durations.parse(t.text());
        } catch (IllegalArgumentException e) {
            throw error(t.range(), e.getMessage());
        }
    }

    private Matcher matcher(Matcher.Type type, String name, String value, PosRange pos) {
        try {
            return Matcher.of(type, name, value);
        } catch (IllegalArgumentException e) {
            throw error(pos, e.getMessage());
        }
    }

    /** Range, subquery, offset and @ suffixes. */
    private Expr postfix(Expr e) {
        while (true) {
            Token t = peek();
            if (t.is(TokenKind.LEFT_BRACKET)) {
                e = rangeOrSubquery(e);
            } else if (t.isWord("smoothed") && e instanceof Expr.VectorSelector vs && !vs.mod().smoothed()) {
                next();
                e = new Expr.VectorSelector(vs.name(), vs.matchers(), vs.mod().withSmoothed(),
                        new PosRange(vs.pos().start(), t.end()));
            } else if ((t.isWord("anchored") || t.isWord("smoothed")) && e instanceof Expr.MatrixSelector ms
                    && ms.mode() == Expr.RangeMode.PLAIN) {
                next();
                e = new Expr.MatrixSelector(ms.selector(), ms.rangeMillis(),
                        t.isWord("anchored") ? Expr.RangeMode.ANCHORED : Expr.RangeMode.SMOOTHED,
                        new PosRange(ms.pos().start(), t.end()));
            } else if (t.isWord("offset")) {
                next();
                long offset = offsetValue();
                e = withModifier(e, true, offset, Expr.AtMode.NONE, 0, t);
            } else if (t.is(TokenKind.AT)) {
                next();
                Token v = next();
                Expr.AtMode mode;
                long at = 0;
                if (v.isWord("start") || v.isWord("end")) {
                    expect(TokenKind.LEFT_PAREN, "@ modifier", "\"(\"");
                    expect(TokenKind.RIGHT_PAREN, "@ modifier", "\")\"");
                    mode = v.isWord("start") ? Expr.AtMode.START : Expr.AtMode.END;
                } else {
                    boolean neg = false;
                    if (v.is(TokenKind.SUB) || v.is(TokenKind.ADD)) {
                        neg = v.is(TokenKind.SUB);
                        v = next();
                    }
                    if (!v.is(TokenKind.NUMBER) && !v.is(TokenKind.DURATION)) {
                        throw unexpected(v, "@", "number or duration");
                    }
                    double secs = v.is(TokenKind.NUMBER) ? parseNumber(v) : durationMillis(v) / 1000.0;
                    if (neg) {
                        secs = -secs;
                    }
                    if (Double.isNaN(secs) || Double.isInfinite(secs) || Math.abs(secs) > 9.2e15) {
                        throw error(v.range(), "timestamp out of bounds for @ modifier: " + secs);
                    }
                    mode = Expr.AtMode.TIMESTAMP;
                    at = Math.round(secs * 1000);
                }
                e = withModifier(e, false, 0, mode, at, t);
            } else {
                return e;
            }
        }
    }

    /**
     * An offset: a signed number or duration, or a parenthesised duration expression or duration function
     * ({@code step()}, {@code range()}, {@code min_of}, {@code max_of}). Without parentheses an offset takes no
     * operator: {@code foo offset 1m * 2} multiplies the selected vector.
     */
    private long offsetValue() {
        Token v = peek();
        boolean neg = false;
        if (v.is(TokenKind.SUB) || v.is(TokenKind.ADD)) {
            neg = next().is(TokenKind.SUB);
        }
        double secs = durationAtom("offset");
        long ms = Math.round(secs * 1000);
        return neg ? -ms : ms;
    }

    // ---- duration expressions (Prometheus's experimental [2m*3], offset (1h/2), [step()+1s]) ----

    private double durationExpr(String context, int minPrec) {
        double lhs;
        Token t = peek();
        if (t.is(TokenKind.SUB) || t.is(TokenKind.ADD)) {
            next();
            double operand = durationExpr(context, 3);
            lhs = t.is(TokenKind.SUB) ? -operand : operand;
        } else {
            lhs = durationAtom(context);
        }
        while (true) {
            Token op = peek();
            int prec = switch (op.kind()) {
                case ADD, SUB -> 1;
                case MUL, DIV, MOD -> 2;
                case POW -> 3;
                default -> 0;
            };
            if (prec == 0 || prec < minPrec) {
                return lhs;
            }
            next();
            double rhs = durationExpr(context, op.is(TokenKind.POW) ? prec : prec + 1);
            lhs = switch (op.kind()) {
                case ADD -> lhs + rhs;
                case SUB -> lhs - rhs;
                case MUL -> lhs * rhs;
                case DIV -> lhs / rhs;
                case MOD -> lhs % rhs;
                default -> Math.pow(lhs, rhs);
            };
        }
    }

    /** A number (seconds), a duration, a parenthesised duration expression or a duration function. */
    private double durationAtom(String context) {
        Token t = next();
        switch (t.kind()) {
            case NUMBER -> {
                return parseNumber(t);
            }
            case DURATION -> {
                return durationMillis(t) / 1000.0;
            }
            case LEFT_PAREN -> {
                double v = durationExpr(context, 0);
                expect(TokenKind.RIGHT_PAREN, context, "\")\"");
                return v;
            }
            case IDENTIFIER -> {
                String fn = t.text().toLowerCase();
                if (fn.equals("step") || fn.equals("range")) {
                    expect(TokenKind.LEFT_PAREN, context, "\"(\"");
                    expect(TokenKind.RIGHT_PAREN, context, "\")\"");
                    return fn.equals("step") ? stepSeconds : rangeSeconds;
                }
                if (fn.equals("min_of") || fn.equals("max_of")) {
                    expect(TokenKind.LEFT_PAREN, context, "\"(\"");
                    double a = durationExpr(context, 0);
                    expect(TokenKind.COMMA, context, "\",\"");
                    double b = durationExpr(context, 0);
                    expect(TokenKind.RIGHT_PAREN, context, "\")\"");
                    return fn.equals("min_of") ? Math.min(a, b) : Math.max(a, b);
                }
                throw unexpected(t, context, "number or duration");
            }
            default -> throw unexpected(t, context, "number or duration");
        }
    }

    private Expr withModifier(Expr e, boolean offset, long offsetMs, Expr.AtMode at, long atMs, Token kw) {
        Expr target = e;
        Expr.Modifiers mod;
        switch (target) {
            case Expr.VectorSelector vs -> mod = vs.mod();
            case Expr.MatrixSelector ms -> mod = ms.selector().mod();
            case Expr.Subquery sq -> mod = sq.mod();
            default -> throw error(e.pos(), offset
                    ? "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"
                    : "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
        }
        if (offset && mod.hasOffset()) {
            throw error(e.pos(), "offset may not be set multiple times");
        }
        if (!offset && mod.at() != Expr.AtMode.NONE) {
            throw error(e.pos(), "@ <timestamp> may not be set multiple times");
        }
        Expr.Modifiers nm = offset ? mod.withOffset(offsetMs) : mod.withAt(at, atMs);
        PosRange pos = new PosRange(e.pos().start(), tokens.get(i - 1).end());
        return switch (target) {
            case Expr.VectorSelector vs -> new Expr.VectorSelector(vs.name(), vs.matchers(), nm, pos);
            case Expr.MatrixSelector ms -> new Expr.MatrixSelector(new Expr.VectorSelector(ms.selector().name(),
                    ms.selector().matchers(), nm, ms.selector().pos()), ms.rangeMillis(), ms.mode(), pos);
            case Expr.Subquery sq -> new Expr.Subquery(sq.expr(), sq.rangeMillis(), sq.stepMillis(), nm, pos);
            default -> throw new IllegalStateException("BUG: unreachable");
        };
    }

    private Expr rangeOrSubquery(Expr e) {
        Token open = next();
        long range = durationValue("range");
        if (peek().is(TokenKind.COLON)) {
            next();
            long step = 0;
            if (!peek().is(TokenKind.RIGHT_BRACKET)) {
                step = durationValue("subquery step");
            }
            Token close = expect(TokenKind.RIGHT_BRACKET, "subquery selector", "\"]\"");
            if (e.type() != ValueType.VECTOR) {
                throw error(new PosRange(e.pos().start(), close.end()),
                        "subquery is only allowed on instant vector, got " + e.type() + " instead");
            }
            return new Expr.Subquery(e, range, step, Expr.Modifiers.NONE, new PosRange(e.pos().start(), close.end()));
        }
        Token close = expect(TokenKind.RIGHT_BRACKET, "range selector", "\"]\"");
        if (!(e instanceof Expr.VectorSelector vs)) {
            throw error(new PosRange(e.pos().start(), close.end()), "ranges only allowed for vector selectors");
        }
        if (vs.mod().hasOffset() || vs.mod().at() != Expr.AtMode.NONE) {
            throw error(new PosRange(open.start(), close.end()), "no offset or @ modifiers allowed before range");
        }
        return new Expr.MatrixSelector(vs, range, new PosRange(e.pos().start(), close.end()));
    }

    private long durationValue(String context) {
        Token t = peek();
        long ms = Math.round(durationExpr(context, 0) * 1000);
        if (ms <= 0) {
            throw error(new PosRange(t.start(), tokens.get(i - 1).end()), "duration must be greater than 0");
        }
        return ms;
    }

    // ---- calls and aggregations ----

    private Expr call(Token name) {
        FunctionSignature fn = FunctionSignatures.get(name.text());
        if (fn == null) {
            throw error(name.range(), "unknown function with name \"" + name.text() + "\"");
        }
        next();
        List<Expr> args = new ArrayList<>();
        Token close = arguments(args, "function call", fn.name().equals("info") ? 1 : Integer.MAX_VALUE);
        PosRange pos = new PosRange(name.start(), close.end());
        int n = fn.argTypes().size();
        if (fn.variadic() == 0) {
            if (n != args.size()) {
                throw error(pos, "expected " + n + " argument(s) in call to \"" + fn.name() + "\", got " + args.size());
            }
        } else {
            int min = n - 1;
            if (min > args.size()) {
                throw error(pos, "expected at least " + min + " argument(s) in call to \"" + fn.name() + "\", got " + args.size());
            }
            if (fn.variadic() > 0 && min + fn.variadic() < args.size()) {
                throw error(pos, "expected at most " + (min + fn.variadic()) + " argument(s) in call to \"" + fn.name()
                        + "\", got " + args.size());
            }
        }
        for (int k = 0; k < args.size(); k++) {
            ValueType want = fn.argTypes().get(Math.min(k, n - 1));
            expectType(args.get(k), want, "call to function \"" + fn.name() + "\"");
        }
        return new Expr.Call(fn, List.copyOf(args), pos);
    }

    private Expr aggregate(AggregateOp op, Token kw) {
        List<String> grouping = List.of();
        boolean without = false;
        boolean groupingSeen = false;
        if (peek().isWord("by") || peek().isWord("without")) {
            without = next().isWord("without");
            grouping = labelList();
            groupingSeen = true;
        }
        expect(TokenKind.LEFT_PAREN, "aggregation", "\"(\"");
        List<Expr> args = new ArrayList<>();
        int end = arguments(args, "aggregation", Integer.MAX_VALUE).end();
        if (peek().isWord("by") || peek().isWord("without")) {
            if (groupingSeen) {
                throw unexpected(peek(), "aggregation", null);
            }
            without = next().isWord("without");
            grouping = labelList();
            end = tokens.get(i - 1).end();
        }
        PosRange pos = new PosRange(kw.start(), end);
        int want = op.paramType() == null ? 1 : 2;
        if (args.size() != want) {
            throw error(pos, "wrong number of arguments for aggregate expression provided, expected " + want + ", got " + args.size());
        }
        Expr param = want == 2 ? args.get(0) : null;
        Expr inner = args.get(want - 1);
        if (param != null) {
            expectType(param, op.paramType(), "aggregation parameter");
        }
        expectType(inner, ValueType.VECTOR, "aggregation expression");
        return new Expr.Aggregate(op, inner, param, grouping, without, pos);
    }

    /** Comma-separated expressions up to and including the closing parenthesis (a trailing comma is fine). */
    private Token arguments(List<Expr> args, String context, int lenientFrom) {
        while (!peek().is(TokenKind.RIGHT_PAREN)) {
            lenientSelectors = args.size() >= lenientFrom;
            try {
                args.add(expr(0));
            } finally {
                lenientSelectors = false;
            }
            if (peek().is(TokenKind.COMMA)) {
                next();
            } else if (!peek().is(TokenKind.RIGHT_PAREN)) {
                throw unexpected(peek(), context, "\",\" or \")\"");
            }
        }
        return next();
    }

    /** {@code (a, b, "c.d")}: label names for by/without/on/ignoring/group_x. */
    private List<String> labelList() {
        expect(TokenKind.LEFT_PAREN, "grouping opts", "\"(\"");
        List<String> out = new ArrayList<>();
        while (!peek().is(TokenKind.RIGHT_PAREN)) {
            Token t = next();
            if (t.is(TokenKind.IDENTIFIER) || t.is(TokenKind.STRING)) {
                out.add(t.text());
            } else {
                throw unexpected(t, "grouping opts", "label");
            }
            if (peek().is(TokenKind.COMMA)) {
                next();
            } else if (!peek().is(TokenKind.RIGHT_PAREN)) {
                throw unexpected(peek(), "grouping opts", "\",\" or \")\"");
            }
        }
        next();
        return List.copyOf(out);
    }

    private void expectType(Expr e, ValueType want, String context) {
        if (e.type() != want) {
            throw error(e.pos(), "expected type " + want + " in " + context + ", got " + e.type());
        }
    }

    // ---- tokens and errors ----

    private Token peek() {
        Token t = tokens.get(Math.min(i, tokens.size() - 1));
        if (t.is(TokenKind.ERROR)) {
            throw error(t.range(), t.text());
        }
        return t;
    }

    private Token next() {
        Token t = peek();
        if (i < tokens.size() - 1) {
            i++;
        }
        return t;
    }

    private Token expect(TokenKind kind, String context, String expected) {
        Token t = next();
        if (!t.is(kind)) {
            throw unexpected(t, context, expected);
        }
        return t;
    }

    private QueryException unexpected(Token t, String context) {
        return unexpected(t, context, null);
    }

    private QueryException unexpected(Token t, String context, String expected) {
        StringBuilder sb = new StringBuilder("unexpected ").append(t.describe());
        if (context != null && !t.is(TokenKind.EOF)) {
            sb.append(" in ").append(context);
        }
        if (expected != null && !t.is(TokenKind.EOF)) {
            sb.append(", expected ").append(expected);
        }
        return error(t.range(), sb.toString());
    }

    private QueryException error(PosRange pos, String message) {
        return new QueryException(QueryException.ErrorType.BAD_DATA,
                pos.startLineColumn(query) + ": parse error: " + message, pos.start(), null);
    }
}
