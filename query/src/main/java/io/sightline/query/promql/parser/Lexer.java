package io.sightline.query.promql.parser;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a query into tokens. A lexical error becomes one {@link TokenKind#ERROR} token at the place it
 * happens (and ends the token list), so that the parser reports errors in input order, as Prometheus's
 * streaming lexer does.
 */
final class Lexer {
    private final String in;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    private int parenDepth;
    private boolean braceOpen;
    private boolean bracketOpen;

    private Lexer(String in) {
        this.in = in;
    }

    static List<Token> lex(String query) {
        Lexer l = new Lexer(query);
        l.run();
        return l.out;
    }

    private void run() {
        while (true) {
            skipSpaceAndComments();
            if (pos >= in.length()) {
                if (braceOpen) {
                    error(pos, pos, "unexpected end of input inside braces");
                } else if (bracketOpen) {
                    error(pos, pos, "unclosed left bracket");
                } else if (parenDepth > 0) {
                    error(pos, pos, "unclosed left parenthesis");
                } else {
                    emit(TokenKind.EOF, "", pos, pos);
                }
                return;
            }
            if (!(braceOpen ? insideBraces() : statement())) {
                return;
            }
        }
    }

    private void skipSpaceAndComments() {
        while (pos < in.length()) {
            char c = in.charAt(pos);
            if (c == '#') {
                while (pos < in.length() && in.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else {
                return;
            }
        }
    }

    /** Lexes one token outside braces; false after an error. */
    private boolean statement() {
        int start = pos;
        char c = in.charAt(pos);
        switch (c) {
            case ',' -> op(TokenKind.COMMA, 1);
            case '*' -> op(TokenKind.MUL, 1);
            case '/' -> op(TokenKind.DIV, 1);
            case '%' -> op(TokenKind.MOD, 1);
            case '+' -> op(TokenKind.ADD, 1);
            case '-' -> op(TokenKind.SUB, 1);
            case '^' -> op(TokenKind.POW, 1);
            case '@' -> op(TokenKind.AT, 1);
            case '=' -> {
                char n = peekAt(pos + 1);
                if (n == '=') {
                    op(TokenKind.EQL, 2);
                } else if (n == '~') {
                    return error(start, pos + 2, "unexpected character after '=': '~'");
                } else {
                    op(TokenKind.ASSIGN, 1);
                }
            }
            case '!' -> {
                char n = peekAt(pos + 1);
                if (n == '=') {
                    op(TokenKind.NEQ, 2);
                } else {
                    return error(start, pos + 2, "unexpected character after '!': " + goRune(n));
                }
            }
            case '<' -> op(peekAt(pos + 1) == '=' ? TokenKind.LTE : TokenKind.LSS, peekAt(pos + 1) == '=' ? 2 : 1);
            case '>' -> op(peekAt(pos + 1) == '=' ? TokenKind.GTE : TokenKind.GTR, peekAt(pos + 1) == '=' ? 2 : 1);
            case '(' -> {
                parenDepth++;
                op(TokenKind.LEFT_PAREN, 1);
            }
            case ')' -> {
                parenDepth--;
                if (parenDepth < 0) {
                    return error(pos + 1, pos + 1, "unexpected right parenthesis ')'");
                }
                op(TokenKind.RIGHT_PAREN, 1);
            }
            case '{' -> {
                braceOpen = true;
                op(TokenKind.LEFT_BRACE, 1);
            }
            case '}' -> {
                return error(pos, pos + 1, "unexpected right brace '}'");
            }
            case '[' -> {
                if (bracketOpen) {
                    return error(pos, pos + 1, "unexpected left bracket '['");
                }
                bracketOpen = true;
                op(TokenKind.LEFT_BRACKET, 1);
            }
            case ']' -> {
                if (!bracketOpen) {
                    return error(pos, pos + 1, "unexpected right bracket ']'");
                }
                bracketOpen = false;
                op(TokenKind.RIGHT_BRACKET, 1);
            }
            case ':' -> {
                if (!bracketOpen) {
                    return error(pos, pos + 1, "unexpected colon ':'");
                }
                op(TokenKind.COLON, 1);
            }
            case '"', '\'', '`' -> {
                return string(c);
            }
            default -> {
                if (isDigit(c) || (c == '.' && isDigit(peekAt(pos + 1)))) {
                    return numberOrDuration();
                }
                if (isAlpha(c)) {
                    identifier(true);
                    return true;
                }
                return error(pos, pos + 1, "unexpected character: " + goRune(c));
            }
        }
        return true;
    }

    private boolean insideBraces() {
        char c = in.charAt(pos);
        int start = pos;
        switch (c) {
            case ',' -> op(TokenKind.COMMA, 1);
            case '}' -> {
                braceOpen = false;
                op(TokenKind.RIGHT_BRACE, 1);
            }
            case '=' -> {
                if (peekAt(pos + 1) == '~') {
                    op(TokenKind.EQL_REGEX, 2);
                } else {
                    op(TokenKind.ASSIGN, 1);
                }
            }
            case '!' -> {
                char n = peekAt(pos + 1);
                if (n == '~') {
                    op(TokenKind.NEQ_REGEX, 2);
                } else if (n == '=') {
                    op(TokenKind.NEQ, 2);
                } else {
                    return error(start, pos + 2, "unexpected inequality operator in label matcher: " + goRune(n));
                }
            }
            case '"', '\'', '`' -> {
                return string(c);
            }
            default -> {
                if (isAlpha(c)) {
                    identifier(false);
                    return true;
                }
                return error(pos, pos + 1, "unexpected character inside braces: " + goRune(c));
            }
        }
        return true;
    }

    private void identifier(boolean allowNumberWords) {
        int start = pos;
        boolean colon = false;
        while (pos < in.length() && (isAlpha(in.charAt(pos)) || isDigit(in.charAt(pos)) || in.charAt(pos) == ':')) {
            colon |= in.charAt(pos) == ':';
            pos++;
        }
        String word = in.substring(start, pos);
        if (allowNumberWords && (word.equalsIgnoreCase("inf") || word.equalsIgnoreCase("nan"))) {
            emit(TokenKind.NUMBER, word, start, pos);
        } else {
            emit(colon ? TokenKind.METRIC_IDENTIFIER : TokenKind.IDENTIFIER, word, start, pos);
        }
    }

    private boolean string(char quote) {
        int start = pos;
        pos++;
        while (true) {
            if (pos >= in.length() || (quote != '`' && in.charAt(pos) == '\n')) {
                return error(start, pos, "unterminated quoted string");
            }
            char c = in.charAt(pos);
            if (c == '\\' && quote != '`') {
                pos += 2;
                continue;
            }
            pos++;
            if (c == quote) {
                break;
            }
        }
        String body = in.substring(start + 1, pos - 1);
        String value = quote == '`' ? body : Strings.unescape(body, quote);
        if (value == null) {
            return error(start, pos, "invalid syntax");
        }
        emit(TokenKind.STRING, value, start, pos);
        return true;
    }

    private boolean numberOrDuration() {
        int start = pos;
        if (scanNumber()) {
            emit(TokenKind.NUMBER, in.substring(start, pos), start, pos);
            return true;
        }
        String scanned = in.substring(start, pos);
        if (!scanned.chars().allMatch(Character::isDigit)) { // 2.5. or 1e3m: no duration can follow
            int end = endOfWord(pos);
            return error(start, end, "bad number or duration syntax: \"" + in.substring(start, Math.min(pos + 1, in.length())) + "\"");
        }
        // A duration: one or more <digits><unit> groups, e.g. 1h30m.
        pos = start;
        boolean any = false;
        while (pos < in.length() && isDigit(in.charAt(pos))) {
            while (pos < in.length() && isDigit(in.charAt(pos))) {
                pos++;
            }
            int unitLen = unitLength(pos);
            if (unitLen == 0) {
                any = false;
                break;
            }
            pos += unitLen;
            any = true;
        }
        if (any && (pos >= in.length() || !(isAlpha(in.charAt(pos)) || isDigit(in.charAt(pos)) || in.charAt(pos) == '.'))) {
            emit(TokenKind.DURATION, in.substring(start, pos), start, pos);
            return true;
        }
        return error(start, endOfWord(pos), "bad number or duration syntax: \"" + in.substring(start, Math.min(pos + 1, in.length())) + "\"");
    }

    private int endOfWord(int from) {
        int end = from;
        while (end < in.length() && (isAlpha(in.charAt(end)) || isDigit(in.charAt(end)) || in.charAt(end) == '.')) {
            end++;
        }
        return end;
    }

    private int unitLength(int p) {
        char c = peekAt(p);
        if (c == 'm' && peekAt(p + 1) == 's') {
            return 2;
        }
        return "smhdwy".indexOf(c) >= 0 && c != 0 ? 1 : 0;
    }

    /** Scans a decimal, hex or scientific number; true when what follows cannot continue it. */
    private boolean scanNumber() {
        String digits = "0123456789";
        if (peekAt(pos) == '0' && (peekAt(pos + 1) == 'x' || peekAt(pos + 1) == 'X')) {
            pos += 2;
            digits = "0123456789abcdefABCDEF";
        }
        acceptRun(digits);
        if (peekAt(pos) == '.') {
            pos++;
            acceptRun(digits);
        }
        if (digits.length() == 10 && (peekAt(pos) == 'e' || peekAt(pos) == 'E')
                && (isDigit(peekAt(pos + 1)) || ((peekAt(pos + 1) == '+' || peekAt(pos + 1) == '-') && isDigit(peekAt(pos + 2))))) {
            pos++;
            if (peekAt(pos) == '+' || peekAt(pos) == '-') {
                pos++;
            }
            acceptRun("0123456789");
        }
        char n = peekAt(pos);
        return !(isAlpha(n) || isDigit(n) || n == '.');
    }

    private void acceptRun(String chars) {
        while (pos < in.length() && chars.indexOf(in.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private void op(TokenKind kind, int len) {
        emit(kind, in.substring(pos, pos + len), pos, pos + len);
        pos += len;
    }

    private void emit(TokenKind kind, String text, int start, int end) {
        out.add(new Token(kind, text, start, end));
    }

    private boolean error(int start, int end, String message) {
        out.add(new Token(TokenKind.ERROR, message, start, end));
        return false;
    }

    private char peekAt(int p) {
        return p < in.length() ? in.charAt(p) : 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlpha(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String goRune(char c) {
        return c == 0 ? "U+0000" : "'" + c + "'";
    }
}
