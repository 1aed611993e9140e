package io.sightline.query.traceql;

import io.sightline.query.QueryException;
import io.sightline.query.traceql.Ast.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import static io.sightline.query.traceql.Token.Kind.*;

/**
 * A recursive-descent parser for the TraceQL subset Sightline evaluates. Every error is a {@link QueryException}
 * of type bad_data whose message and {@link QueryException#position()} point at the offending token.
 *
 * <pre>
 * query    := spanset ('|' stage)*
 * spanset  := spAnd ('||' spAnd)*            spAnd := spStruct ('&&' spStruct)*
 * spStruct := spPrim (structOp spPrim)*      structOp := ['!' | '&'] ('>' | '>>' | '<' | '<<' | '~')
 * spPrim   := '{' [expr] '}' | '(' spanset ')'
 * expr     := and ('||' and)*                and := unary ('&&' unary)*
 * unary    := '!' unary | '(' expr ')' | operand [cmp operand]
 * stage    := '{' [expr] '}' | count '(' ')' cmp number | (avg|min|max|sum) '(' operand ')' cmp number
 *           | select '(' operand (',' operand)* ')'
 * </pre>
 */
final class Parser {
    /** Nesting deeper than this is refused, so that no input can exhaust the stack. */
    static final int MAX_DEPTH = 64;

    private final List<Token> tokens;
    private final List<Filter> filters = new ArrayList<>();
    private int at;
    private int depth;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static Query parse(String query) {
        if (query == null || query.isBlank()) {
            throw Lexer.error("empty query; a TraceQL query starts with a spanset filter such as { }", 0);
        }
        Parser p = new Parser(Lexer.tokens(query));
        Spanset spanset = p.spanset();
        List<Stage> stages = new ArrayList<>();
        boolean sawAggregate = false;
        while (p.peek().is(PIPE)) {
            if (!stages.isEmpty() && stages.getLast() instanceof MetricsStage) {
                throw Lexer.error("stages after a metrics function (topk(), bottomk(), comparisons) are not supported",
                        p.peek().pos());
            }
            p.at++;
            int stageStart = p.peek().pos();
            Stage s = p.stage();
            if (s instanceof FilterStage && sawAggregate) {
                throw Lexer.error("a spanset filter after count(), avg(), min(), max() or sum() is not supported",
                        stageStart);
            }
            sawAggregate |= s instanceof AggregateStage;
            stages.add(s);
        }
        p.hints();
        Token t = p.peek();
        if (!t.is(EOF)) {
            throw Lexer.error("unexpected " + t.describe() + (t.is(AND) || t.is(OR) ? "" : "; expected '|', '&&', '||' or the end"), t.pos());
        }
        return new Query(spanset, List.copyOf(p.filters), List.copyOf(stages));
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token take() {
        return tokens.get(at++);
    }

    private Token expect(Token.Kind kind, String what) {
        Token t = peek();
        if (!t.is(kind)) {
            throw Lexer.error("unexpected " + t.describe() + "; expected " + what, t.pos());
        }
        at++;
        return t;
    }

    private void enter(Token t) {
        if (++depth > MAX_DEPTH) {
            throw Lexer.error("query nests deeper than " + MAX_DEPTH + " levels", t.pos());
        }
    }

    private Spanset spanset() {
        Spanset left = spansetAnd();
        while (peek().is(OR)) {
            at++;
            left = new SpansetOp(false, left, spansetAnd());
        }
        return left;
    }

    private Spanset spansetAnd() {
        Spanset left = spansetStructural();
        while (peek().is(AND)) {
            at++;
            left = new SpansetOp(true, left, spansetStructural());
        }
        return left;
    }

    /** Structural operators bind tighter than the spanset {@code &&} and {@code ||}, left to right. */
    private Spanset spansetStructural() {
        Spanset left = spansetPrimary();
        while (true) {
            Token t = peek();
            Relation r = switch (t.kind()) {
                case GT, NOT_CHILD, UNION_CHILD -> Relation.CHILD;
                case DESC, NOT_DESC, UNION_DESC -> Relation.DESCENDANT;
                case LT, NOT_PARENT, UNION_PARENT -> Relation.PARENT;
                case ANC, NOT_ANC, UNION_ANC -> Relation.ANCESTOR;
                case SIBLING, NRE, UNION_SIBLING -> Relation.SIBLING;
                default -> null;
            };
            if (r == null) {
                return left;
            }
            at++;
            boolean isNot = switch (t.kind()) {
                case NOT_CHILD, NOT_DESC, NOT_PARENT, NOT_ANC, NRE -> true;
                default -> false;
            };
            boolean isUnion = switch (t.kind()) {
                case UNION_CHILD, UNION_DESC, UNION_PARENT, UNION_ANC, UNION_SIBLING -> true;
                default -> false;
            };
            left = new Structural(r, isNot, isUnion, left, spansetPrimary());
        }
    }

    private Spanset spansetPrimary() {
        Token t = peek();
        if (t.is(LPAREN)) {
            enter(take());
            Spanset s = spanset();
            expect(RPAREN, "')'");
            depth--;
            return s;
        }
        if (!t.is(LBRACE)) {
            throw Lexer.error("unexpected " + t.describe() + "; a spanset filter starts with '{'", t.pos());
        }
        filters.add(new Filter(braced(), t.pos()));
        return new FilterRef(filters.size() - 1);
    }

    /** {@code '{' [expr] '}'}; null for an empty filter. */
    private Expr braced() {
        Token open = expect(LBRACE, "'{'");
        enter(open);
        Expr e = null;
        if (!peek().is(RBRACE)) {
            e = expr();
        }
        Token close = peek();
        if (!close.is(RBRACE)) {
            throw Lexer.error("unexpected " + close.describe() + "; expected '}' or '&&', '||' and another condition",
                    close.pos());
        }
        at++;
        depth--;
        return e;
    }

    private Stage stage() {
        Token t = peek();
        if (t.is(LBRACE)) {
            Expr e = braced();
            return new FilterStage(e);
        }
        if (!t.is(IDENT)) {
            throw Lexer.error("unexpected " + t.describe() + "; expected a spanset filter, count(), avg(), min(), max(), sum() or select()", t.pos());
        }
        at++;
        switch (t.text()) {
            case "select" -> {
                expect(LPAREN, "'(' after select");
                List<Operand> operands = new ArrayList<>();
                operands.add(selected());
                while (peek().is(COMMA)) {
                    at++;
                    operands.add(selected());
                }
                expect(RPAREN, "')' or ',' in select()");
                return new SelectStage(List.copyOf(operands));
            }
            case "count", "avg", "min", "max", "sum" -> {
                return aggregate(t);
            }
            case "by" -> {
                expect(LPAREN, "'(' after by");
                Operand o = selected();
                expect(RPAREN, "')' after the by() attribute");
                return new ByStage(o);
            }
            case "coalesce" -> {
                expect(LPAREN, "'(' after coalesce");
                expect(RPAREN, "')': coalesce() takes no arguments");
                return new CoalesceStage();
            }
            default -> {
            }
        }
        MetricsFn fn = MetricsFn.of(t.text());
        if (fn != null) {
            return metrics(t, fn);
        }
        switch (t.text()) {
            default -> throw Lexer.error("pipeline function '" + t.text() + "' is not supported; use count(), avg(), min(), max(), sum() or select()", t.pos());
        }
    }

    /** {@code rate()}, {@code count_over_time()}, {@code f_over_time(x)}, {@code quantile_over_time(x, q...)}, then {@code by (...)}. */
    private Stage metrics(Token name, MetricsFn fn) {
        expect(LPAREN, "'(' after " + fn.text);
        Operand operand = null;
        List<Double> quantiles = new ArrayList<>();
        if (fn != MetricsFn.RATE && fn != MetricsFn.COUNT_OVER_TIME) {
            Token o = peek();
            operand = operand();
            if (operand instanceof Literal || !isNumericCapable(operand)) {
                throw Lexer.error(fn.text + "() needs a numeric attribute or duration, not " + o.describe(), o.pos());
            }
            if (fn == MetricsFn.QUANTILE_OVER_TIME) {
                if (!peek().is(COMMA)) {
                    throw Lexer.error("quantile_over_time() needs quantiles after the attribute, e.g. "
                            + "quantile_over_time(duration, 0.9, 0.99)", peek().pos());
                }
                while (peek().is(COMMA)) {
                    at++;
                    Token q = peek();
                    Operand v = operand();
                    double d = v instanceof Literal lit && (lit.type() == Type.DOUBLE || lit.type() == Type.INT)
                            ? (lit.type() == Type.DOUBLE ? lit.d() : lit.l()) : Double.NaN;
                    if (!(d >= 0 && d <= 1)) {
                        throw Lexer.error("a quantile must be a number between 0 and 1, not " + q.describe(), q.pos());
                    }
                    quantiles.add(d);
                }
            }
        }
        expect(RPAREN, "')'");
        List<Operand> by = new ArrayList<>();
        if (peek().is(IDENT) && peek().text().equals("by")) {
            at++;
            expect(LPAREN, "'(' after by");
            by.add(selected());
            while (peek().is(COMMA)) {
                at++;
                by.add(selected());
            }
            expect(RPAREN, "')' or ',' in by()");
        }
        return new MetricsStage(fn, operand, List.copyOf(quantiles), List.copyOf(by));
    }

    /** Query hints {@code with(key=value, ...)}, as Grafana appends them ({@code with(sample=true)}); ignored. */
    private void hints() {
        if (!peek().is(IDENT) || !peek().text().equals("with")) {
            return;
        }
        at++;
        expect(LPAREN, "'(' after with");
        while (!peek().is(RPAREN)) {
            Token k = expect(IDENT, "a hint name");
            expect(EQ, "'=' after hint " + k.text());
            Token v = take();
            if (v.is(EOF)) {
                throw Lexer.error("unexpected end of query; expected a hint value", v.pos());
            }
            if (!peek().is(COMMA)) {
                break;
            }
            at++;
        }
        expect(RPAREN, "')' after the hints");
    }

    private Operand selected() {
        Token o = peek();
        Operand op = operand();
        if (op instanceof Literal) {
            throw Lexer.error("select() takes attributes or intrinsics, not " + o.describe(), o.pos());
        }
        return op;
    }

    private Stage aggregate(Token fn) {
        Aggregate kind = Aggregate.valueOf(fn.text().toUpperCase(Locale.ROOT));
        expect(LPAREN, "'(' after " + fn.text());
        Operand operand = null;
        if (kind != Aggregate.COUNT) {
            Token o = peek();
            operand = operand();
            if (operand instanceof Literal || !isNumericCapable(operand)) {
                throw Lexer.error(fn.text() + "() needs a numeric attribute or duration, not " + o.describe(), o.pos());
            }
        }
        expect(RPAREN, "')'");
        Token opToken = peek();
        if (!opToken.isComparison() || opToken.is(RE) || opToken.is(NRE)) {
            throw Lexer.error("unexpected " + opToken.describe() + "; " + fn.text() + "() must be compared, e.g. "
                    + fn.text() + "(" + (operand == null ? "" : "duration") + ") > 2", opToken.pos());
        }
        at++;
        Token v = peek();
        Operand value = operand();
        if (!(value instanceof Literal lit) || !lit.type().isNumeric()) {
            throw Lexer.error(fn.text() + "() must be compared with a number or a duration, not " + v.describe(), v.pos());
        }
        return new AggregateStage(kind, operand, op(opToken), lit);
    }

    private static boolean isNumericCapable(Operand o) {
        return o instanceof Attribute || o instanceof IntrinsicRef i && i.intrinsic().type.isNumeric();
    }

    private Expr expr() {
        Expr left = and();
        while (peek().is(OR)) {
            at++;
            left = new Logical(false, left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = unary();
        while (peek().is(AND)) {
            at++;
            left = new Logical(true, left, unary());
        }
        return left;
    }

    private Expr unary() {
        Token t = peek();
        if (t.is(NOT)) {
            enter(take());
            Expr e = new Not(unary());
            depth--;
            return e;
        }
        if (t.is(LPAREN)) {
            enter(take());
            Expr e = expr();
            expect(RPAREN, "')'");
            depth--;
            return e;
        }
        Operand left = operand();
        Token opToken = peek();
        if (!opToken.isComparison()) {
            return checkBoolean(left, t);
        }
        at++;
        Token rightToken = peek();
        Operand right = operand();
        return compare(op(opToken), left, t, right, rightToken);
    }

    private static Op op(Token t) {
        return switch (t.kind()) {
            case EQ -> Op.EQ;
            case NEQ -> Op.NEQ;
            case GT -> Op.GT;
            case GTE -> Op.GTE;
            case LT -> Op.LT;
            case LTE -> Op.LTE;
            case RE -> Op.RE;
            case NRE -> Op.NRE;
            default -> throw new IllegalStateException("BUG: not a comparison: " + t);
        };
    }

    private static Expr checkBoolean(Operand o, Token t) {
        boolean ok = o instanceof Attribute || o instanceof Literal l && l.type() == Type.BOOL;
        if (!ok) {
            throw Lexer.error(t.describe() + " is not a condition; compare it, e.g. " + t.text() + " = ...", t.pos());
        }
        return o;
    }

    /** Type checks a comparison as far as the types are known before evaluation. */
    private static Expr compare(Op op, Operand left, Token leftToken, Operand right, Token rightToken) {
        Pattern regex = null;
        if (op == Op.RE || op == Op.NRE) {
            if (!(right instanceof Literal l && l.type() == Type.STRING)) {
                throw Lexer.error("the right side of " + op.text + " must be a string holding a regular expression, not "
                        + rightToken.describe(), rightToken.pos());
            }
            try {
                regex = Pattern.compile(l.s()); // matched in full (Matcher.matches), as Tempo anchors its regexes
            } catch (PatternSyntaxException e) {
                throw Lexer.error("invalid regular expression \"" + l.s() + "\": " + e.getDescription(), rightToken.pos());
            }
        }
        if (left instanceof Literal l && l.type() == Type.NONE) {
            throw Lexer.error("nil must be on the right side of = or !=, e.g. span.foo != nil", leftToken.pos());
        }
        if (right instanceof Literal r && r.type() == Type.NONE) {
            if (op != Op.EQ && op != Op.NEQ) {
                throw Lexer.error("nil can only be compared with = or !=", rightToken.pos());
            }
            return new Compare(op, left, right, null);
        }
        Operand[] sides = {left, right};
        Token[] toks = {leftToken, rightToken};
        for (int i = 0; i < 2; i++) {
            if (sides[i] instanceof IntrinsicRef ref && sides[1 - i] instanceof Literal lit) {
                Literal fixed = checkIntrinsicLiteral(ref.intrinsic(), op, lit, toks[i], toks[1 - i]);
                if (fixed != lit) {
                    sides[1 - i] = fixed;
                }
            }
        }
        return new Compare(op, sides[0], sides[1], regex);
    }

    /** The literal an intrinsic may be compared with; a status or kind name given as a string is converted. */
    private static Literal checkIntrinsicLiteral(Intrinsic in, Op op, Literal lit, Token inToken, Token litToken) {
        switch (in.type) {
            case STATUS, KIND -> {
                boolean isStatus = in.type == Type.STATUS;
                Literal value = lit;
                if (lit.type() == Type.STRING) {
                    int code = isStatus ? Enums.status(lit.s()) : Enums.kind(lit.s());
                    if (code >= 0) {
                        value = isStatus ? Literal.status(code) : Literal.kind(code);
                    }
                }
                if (value.type() != in.type || (op != Op.EQ && op != Op.NEQ)) {
                    String allowed = isStatus ? "error, ok or unset" : "unspecified, internal, server, client, producer or consumer";
                    throw Lexer.error(inToken.text() + " can only be compared with = or != to " + allowed + ", not "
                            + litToken.describe(), litToken.pos());
                }
                return value;
            }
            case INT -> {
                if (!lit.type().isNumeric()) {
                    throw Lexer.error(inToken.text() + " must be compared with a number, not " + litToken.describe(),
                            litToken.pos());
                }
                return lit;
            }
            case DURATION -> {
                if (!lit.type().isNumeric()) {
                    throw Lexer.error(inToken.text() + " must be compared with a duration such as 100ms, not "
                            + litToken.describe(), litToken.pos());
                }
                return lit;
            }
            case STRING -> {
                if (lit.type() != Type.STRING) {
                    throw Lexer.error(inToken.text() + " must be compared with a string, not " + litToken.describe(),
                            litToken.pos());
                }
                return lit;
            }
            default -> throw new IllegalStateException("BUG: intrinsic type " + in.type);
        }
    }

    private Operand operand() {
        Token t = take();
        switch (t.kind()) {
            case ATTRIBUTE:
                return new Attribute(t.scope(), t.text());
            case STRING:
                return Literal.string(t.text());
            case INTEGER:
                return Literal.integer(Long.parseLong(t.text()));
            case FLOAT:
                return Literal.floating(Double.parseDouble(t.text()));
            case DURATION:
                return Literal.duration(Long.parseLong(t.text()));
            case IDENT:
                return identifier(t);
            default:
                throw Lexer.error("unexpected " + t.describe() + "; expected an attribute, an intrinsic or a value", t.pos());
        }
    }

    private static Operand identifier(Token t) {
        String w = t.text();
        switch (w) {
            case "true":
                return Literal.bool(true);
            case "false":
                return Literal.bool(false);
            case "nil":
                return Literal.nil();
            default:
                break;
        }
        Intrinsic in = Intrinsic.of(w);
        if (in != null) {
            return new IntrinsicRef(in);
        }
        int status = Enums.status(w);
        if (status >= 0) {
            return Literal.status(status);
        }
        int kind = Enums.kind(w);
        if (kind >= 0) {
            return Literal.kind(kind);
        }
        throw Lexer.error("unknown identifier '" + w + "'; attributes start with '.', 'span.' or 'resource.', "
                + "and strings are quoted", t.pos());
    }
}
