package io.sightline.query.promql.parser;

/**
 * One token. {@code text} is the raw source text, except for strings, where it is the unquoted value,
 * and for errors, where it is the message.
 *
 * @param start offset of the first character
 * @param end   offset after the last character
 */
record Token(TokenKind kind, String text, int start, int end) {
    boolean is(TokenKind k) {
        return kind == k;
    }

    /** Whether this is an identifier spelling {@code word} (keywords are case-insensitive, as in Prometheus). */
    boolean isWord(String word) {
        return (kind == TokenKind.IDENTIFIER) && text.equalsIgnoreCase(word);
    }

    PosRange range() {
        return new PosRange(start, end);
    }

    /** How Prometheus describes a token in "unexpected ..." messages. */
    String describe() {
        return switch (kind) {
            case EOF -> "end of input";
            case ERROR -> text;
            case IDENTIFIER -> Keywords.isKeyword(text) ? "<" + text.toLowerCase() + ">" : "identifier \"" + text + "\"";
            case METRIC_IDENTIFIER -> "metric identifier \"" + text + "\"";
            case NUMBER -> "number \"" + text + "\"";
            case DURATION -> "duration \"" + text + "\"";
            case STRING -> "string " + Strings.goQuote(text);
            case ADD, SUB, MUL, DIV, MOD, POW, EQL, NEQ, LSS, LTE, GTR, GTE, EQL_REGEX, NEQ_REGEX, AT, ASSIGN ->
                    "<op:" + text + ">";
            default -> "\"" + text + "\"";
        };
    }
}
