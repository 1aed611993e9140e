package io.sightline.query.logql;

import io.sightline.query.QueryException;
import io.sightline.query.lexer.Lexing;

import java.util.List;

import static io.sightline.query.logql.Token.Kind.*;

/** Splits a LogQL expression into tokens. Strings are {@code "..."} with Go escapes or {@code `raw`}. */
final class Lexer {
    private final String src;
    private int at;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokens(String src) {
        return Lexing.tokens(new Lexer(src)::next, t -> t.is(EOF));
    }

    static QueryException error(String message, int pos) {
        return new QueryException(QueryException.ErrorType.BAD_DATA, "parse error at position " + (pos + 1) + ": " + message, pos, null);
    }

    private Token next() {
        at = Lexing.skipWhitespace(src, at);
        if (at < src.length() && src.charAt(at) == '#') { // comment to end of line
            while (at < src.length() && src.charAt(at) != '\n') {
                at++;
            }
            return next();
        }
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
            case '[': at++; return new Token(LBRACKET, "[", start);
            case ']': at++; return new Token(RBRACKET, "]", start);
            case ',': at++; return new Token(COMMA, ",", start);
            case '+': at++; return new Token(ADD, "+", start);
            case '*': at++; return new Token(MUL, "*", start);
            case '/': at++; return new Token(DIV, "/", start);
            case '%': at++; return new Token(MOD, "%", start);
            case '^': at++; return new Token(POW, "^", start);
            case '"', '`': return string();
            default:
        }
        if (c == '|') {
            at += n == '=' || n == '~' ? 2 : 1;
            return new Token(n == '=' ? PIPE_EXACT : n == '~' ? PIPE_MATCH : PIPE, src.substring(start, at), start);
        }
        if (c == '=') {
            at += n == '~' || n == '=' ? 2 : 1;
            return new Token(n == '~' ? RE : n == '=' ? EQEQ : EQ, src.substring(start, at), start);
        }
        if (c == '!') {
            if (n == '=' || n == '~') {
                at += 2;
                return new Token(n == '=' ? NEQ : NRE, src.substring(start, at), start);
            }
            throw error("unexpected character '!'", start);
        }
        if (c == '>' || c == '<') {
            at += n == '=' ? 2 : 1;
            return new Token(c == '>' ? (n == '=' ? GTE : GT) : (n == '=' ? LTE : LT), src.substring(start, at), start);
        }
        if (c == '-' && !(Character.isDigit(n) || n == '.')) {
            at++;
            return new Token(SUB, "-", start);
        }
        if (Character.isDigit(c) || c == '.' || c == '-') {
            return number();
        }
        if (Character.isLetter(c) || c == '_') {
            while (at < src.length() && (Character.isLetterOrDigit(src.charAt(at)) || src.charAt(at) == '_')) {
                at++;
            }
            return new Token(IDENT, src.substring(start, at), start);
        }
        throw error("unexpected character '" + c + "'", start);
    }

    /** A number, a duration such as {@code 1h30m} or a byte size such as {@code 10KB}. */
    private Token number() {
        int start = at;
        if (src.charAt(at) == '-') {
            at++;
        }
        while (at < src.length() && (Character.isDigit(src.charAt(at)) || src.charAt(at) == '.'
                || (src.charAt(at) == 'e' || src.charAt(at) == 'E') && at + 1 < src.length() && (Character.isDigit(src.charAt(at + 1)) || src.charAt(at + 1) == '-'))) {
            if (src.charAt(at) == 'e' || src.charAt(at) == 'E') {
                at++;
            }
            at++;
        }
        if (at < src.length() && Character.isLetter(src.charAt(at))) {
            while (at < src.length() && (Character.isLetterOrDigit(src.charAt(at)) || src.charAt(at) == '.')) {
                at++;
            }
            String text = src.substring(start, at);
            if (Units.isBytes(text)) {
                return new Token(BYTES, text, start);
            }
            if (Units.isDuration(text)) {
                return new Token(DURATION, text, start);
            }
            throw error("bad number or duration \"" + text + "\"", start);
        }
        return new Token(NUMBER, src.substring(start, at), start);
    }

    private Token string() {
        int start = at;
        Lexing.Quoted s = Lexing.quoted(src, start, Lexer::escape, Lexer::error);
        at = s.end();
        return new Token(STRING, s.text(), start);
    }

    /** A {@code u} escape takes four hex digits; any other stays as written (backslash kept), so regex escapes survive. */
    private static int escape(char e, String src, int at, StringBuilder sb) {
        if (e != 'u') {
            sb.append('\\').append(e);
            return at;
        }
        if (at + 4 > src.length()) {
            throw error("short \\u escape", at);
        }
        int code = 0;
        for (int k = 0; k < 4; k++) {
            int digit = Character.digit(src.charAt(at + k), 16);
            if (digit < 0) {
                throw error("invalid \\u escape: \"" + src.substring(at, at + 4) + "\" is not 4 hex digits", at);
            }
            code = code * 16 + digit;
        }
        sb.append((char) code);
        return at + 4;
    }
}
