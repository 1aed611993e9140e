package io.sightline.query.traceql;

import io.sightline.query.QueryException;
import io.sightline.query.lexer.Lexing;

import java.util.List;

import static io.sightline.query.traceql.Token.Kind.*;

/**
 * Splits a TraceQL query into tokens. Strings are {@code "..."} with Go escapes or {@code `raw`}; attributes are
 * {@code .name}, {@code span.name}, {@code resource.name} (a name runs to white space or an operator character, or
 * is quoted: {@code span."a b"}); durations are Go durations such as {@code 100ms} or {@code 1h30m}.
 */
final class Lexer {
    /** Characters that end an unquoted attribute name, as Tempo's lexer has them. */
    private static final String NAME_END = "{}()=~!<>&|^,\" \t\r\n";
    private static final String[] UNITS = {"ns", "us", "µs", "ms", "s", "m", "h"};
    private static final long[] UNIT_NANOS = {1, 1_000, 1_000, 1_000_000, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L};

    private final String src;
    private int at;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokens(String src) {
        return Lexing.tokens(new Lexer(src)::next, t -> t.is(EOF));
    }

    static QueryException error(String message, int pos) {
        return new QueryException(QueryException.ErrorType.BAD_DATA,
                "invalid TraceQL query: parse error at position " + (pos + 1) + ": " + message, pos, null);
    }

    private Token next() {
        at = Lexing.skipWhitespace(src, at);
        int start = at;
        if (at >= src.length()) {
            return new Token(EOF, "", start);
        }
        char c = src.charAt(at);
        char n = at + 1 < src.length() ? src.charAt(at + 1) : 0;
        switch (c) {
            case '{': at++; return new Token(LBRACE, "{", start);
            case '}': at++; return new Token(RBRACE, "}", start);
            case '(': at++; return new Token(LPAREN, "(", start);
            case ')': at++; return new Token(RPAREN, ")", start);
            case ',': at++; return new Token(COMMA, ",", start);
            case '"', '`': return string(start, c);
            case '.':
                if (Character.isDigit(n)) {
                    return number(start);
                }
                at++;
                return attribute(start, "");
            case '&':
                if (n == '&') {
                    at += 2;
                    return new Token(AND, "&&", start);
                }
                if (n == '>' || n == '<' || n == '~') { // &>, &>>, &<, &<<, &~: structural operators returning both sides
                    boolean isDouble = n != '~' && at + 2 < src.length() && src.charAt(at + 2) == n;
                    at += isDouble ? 3 : 2;
                    Token.Kind k = n == '~' ? UNION_SIBLING : n == '>' ? (isDouble ? UNION_DESC : UNION_CHILD)
                            : (isDouble ? UNION_ANC : UNION_PARENT);
                    return new Token(k, "&" + n + (isDouble ? String.valueOf(n) : ""), start);
                }
                throw error("unexpected '&', did you mean '&&'?", start);
            case '|':
                if (n == '|') {
                    at += 2;
                    return new Token(OR, "||", start);
                }
                at++;
                return new Token(PIPE, "|", start);
            case '=':
                if (n == '~') {
                    at += 2;
                    return new Token(RE, "=~", start);
                }
                if (n == '=') {
                    throw error("unexpected '==', TraceQL compares with '='", start);
                }
                at++;
                return new Token(EQ, "=", start);
            case '!':
                if (n == '=') {
                    at += 2;
                    return new Token(NEQ, "!=", start);
                }
                if (n == '~') {
                    at += 2;
                    return new Token(NRE, "!~", start);
                }
                if (n == '>' || n == '<') { // !>, !>>, !<, !<<: negated structural operators
                    boolean isDouble = at + 2 < src.length() && src.charAt(at + 2) == n;
                    at += isDouble ? 3 : 2;
                    Token.Kind k = n == '>' ? (isDouble ? NOT_DESC : NOT_CHILD) : (isDouble ? NOT_ANC : NOT_PARENT);
                    return new Token(k, "!" + n + (isDouble ? String.valueOf(n) : ""), start);
                }
                at++;
                return new Token(NOT, "!", start);
            case '>':
                if (n == '=') {
                    at += 2;
                    return new Token(GTE, ">=", start);
                }
                if (n == '>') {
                    at += 2;
                    return new Token(DESC, ">>", start);
                }
                at++;
                return new Token(GT, ">", start);
            case '<':
                if (n == '=') {
                    at += 2;
                    return new Token(LTE, "<=", start);
                }
                if (n == '<') {
                    at += 2;
                    return new Token(ANC, "<<", start);
                }
                at++;
                return new Token(LT, "<", start);
            case '~':
                at++;
                return new Token(SIBLING, "~", start);
            case '+', '*', '/', '%', '^':
                throw unsupported("arithmetic operator '" + c + "'", start);
            default:
                break;
        }
        if (Character.isDigit(c) || (c == '-' && (Character.isDigit(n) || n == '.'))) {
            return number(start);
        }
        if (Character.isLetter(c) || c == '_') {
            return identOrScopedAttribute(start);
        }
        throw error("unexpected character '" + c + "'", start);
    }

    private static QueryException unsupported(String what, int pos) {
        return error(what + " is not supported", pos);
    }

    private Token identOrScopedAttribute(int start) {
        while (at < src.length()) {
            char c = src.charAt(at);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == ':')) {
                break;
            }
            at++;
        }
        String word = src.substring(start, at);
        if (at < src.length() && src.charAt(at) == '.') {
            switch (word) {
                case "span", "resource" -> {
                    at++;
                    return attribute(start, word);
                }
                case "event", "link", "instrumentation", "parent", "trace" ->
                        throw error("attribute scope '" + word + ".' is not supported; use span., resource. or .", start);
                default -> throw error("unknown attribute scope '" + word + ".'; use span., resource. or .", start);
            }
        }
        return new Token(IDENT, word, start);
    }

    private Token attribute(int start, String scope) {
        if (at < src.length() && src.charAt(at) == '"') {
            Token quoted = string(at, '"');
            return new Token(ATTRIBUTE, quoted.text(), scope, start);
        }
        int from = at;
        while (at < src.length() && NAME_END.indexOf(src.charAt(at)) < 0) {
            at++;
        }
        if (at == from) {
            throw error("attribute name expected after '" + (scope.isEmpty() ? "." : scope + ".") + "'", start);
        }
        return new Token(ATTRIBUTE, src.substring(from, at), scope, start);
    }

    /** The string whose opening quote is at {@code start} ({@code at} is there too). */
    private Token string(int start, char quote) {
        assert src.charAt(start) == quote && at == start;
        Lexing.Quoted s = Lexing.quoted(src, start, Lexer::escape, Lexer::error);
        at = s.end();
        return new Token(STRING, s.text(), start);
    }

    /** Go's other escapes; an unknown one is an error, as in Tempo. */
    private static int escape(char e, String src, int at, StringBuilder sb) {
        switch (e) {
            case '\'' -> sb.append('\'');
            case 'a' -> sb.append('\u0007');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'v' -> sb.append('\u000b');
            case 'x' -> {
                return hex(src, at, 2, sb);
            }
            case 'u' -> {
                return hex(src, at, 4, sb);
            }
            default -> throw error("unknown escape sequence '\\" + e + "' in string", at - 2);
        }
        return at;
    }

    /** Appends the character of an {@code x} (2 hex digits) or {@code u} (4) escape whose digits start at {@code at}; returns the index after them. */
    private static int hex(String src, int at, int digits, StringBuilder sb) {
        int escapeStart = at - 2;
        String kind = digits == 2 ? "\\x" : "\\u";
        if (at + digits > src.length()) {
            throw error("truncated " + kind + " escape in string", escapeStart);
        }
        String text = src.substring(at, at + digits);
        if (!text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw error("invalid " + kind + " escape in string", escapeStart);
        }
        sb.append((char) Integer.parseInt(text, 16));
        return at + digits;
    }

    /** An integer, a float or a duration such as {@code 1.5s} or {@code 1h30m}. */
    private Token number(int start) {
        if (src.charAt(at) == '-') {
            at++;
        }
        boolean isFloat = scanDigits();
        if (at < src.length() && Character.isLetter(src.charAt(at)) || at < src.length() && src.charAt(at) == 'µ') {
            return duration(start);
        }
        String text = src.substring(start, at);
        if (at < src.length() && (Character.isLetterOrDigit(src.charAt(at)) || src.charAt(at) == '.')) {
            throw error("malformed number '" + text + src.charAt(at) + "'", start);
        }
        try {
            if (isFloat) {
                Double.parseDouble(text);
                return new Token(FLOAT, text, start);
            }
            Long.parseLong(text);
            return new Token(INTEGER, text, start);
        } catch (NumberFormatException e) {
            throw error("malformed number '" + text + "'", start);
        }
    }

    /** Digits with an optional fraction; returns whether there was a fraction or exponent. */
    private boolean scanDigits() {
        boolean isFloat = false;
        while (at < src.length() && Character.isDigit(src.charAt(at))) {
            at++;
        }
        if (at < src.length() && src.charAt(at) == '.') {
            isFloat = true;
            at++;
            while (at < src.length() && Character.isDigit(src.charAt(at))) {
                at++;
            }
        }
        if (at + 1 < src.length() && (src.charAt(at) == 'e' || src.charAt(at) == 'E')
                && (Character.isDigit(src.charAt(at + 1)) || src.charAt(at + 1) == '-' || src.charAt(at + 1) == '+')) {
            isFloat = true;
            at += 2;
            while (at < src.length() && Character.isDigit(src.charAt(at))) {
                at++;
            }
        }
        return isFloat;
    }

    /** Rescans from {@code start} as a Go duration; the token text holds the nanoseconds. */
    private Token duration(int start) {
        at = start;
        boolean negative = src.charAt(at) == '-';
        if (negative) {
            at++;
        }
        double total = 0;
        while (at < src.length() && (Character.isDigit(src.charAt(at)) || src.charAt(at) == '.')) {
            int numStart = at;
            scanDigits();
            double value;
            try {
                value = Double.parseDouble(src.substring(numStart, at));
            } catch (NumberFormatException e) {
                throw error("malformed duration '" + src.substring(start, at) + "'", start);
            }
            int unit = unitAt();
            if (unit < 0) {
                throw error("unknown duration unit in '" + word(start) + "'; use ns, us, ms, s, m or h", start);
            }
            at += UNITS[unit].length();
            total += value * UNIT_NANOS[unit];
        }
        if (at < src.length() && (Character.isLetterOrDigit(src.charAt(at)))) {
            throw error("malformed duration '" + word(start) + "'", start);
        }
        if (total > Long.MAX_VALUE) {
            throw error("duration '" + src.substring(start, at) + "' is too large", start);
        }
        long nanos = Math.round(negative ? -total : total);
        return new Token(DURATION, Long.toString(nanos), start);
    }

    private int unitAt() {
        int best = -1;
        for (int i = 0; i < UNITS.length; i++) {
            if (src.startsWith(UNITS[i], at) && (best < 0 || UNITS[i].length() > UNITS[best].length())) {
                best = i;
            }
        }
        // "m" must not swallow the "m" of "ms"; the longest unit wins above, and a letter after it is malformed
        return best;
    }

    private String word(int start) {
        int end = at;
        while (end < src.length() && Character.isLetterOrDigit(src.charAt(end))) {
            end++;
        }
        return src.substring(start, end);
    }
}
