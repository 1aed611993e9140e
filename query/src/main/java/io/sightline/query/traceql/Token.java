package io.sightline.query.traceql;

/**
 * One lexical token of a TraceQL query.
 *
 * @param text the token's text: the unquoted value of a string, the name of an attribute (without scope)
 * @param scope for {@link Kind#ATTRIBUTE}: {@code span}, {@code resource} or {@code ""} when unscoped
 * @param pos  zero-based offset of the token's first character in the query
 */
record Token(Kind kind, String text, String scope, int pos) {
    enum Kind {
        LBRACE, RBRACE, LPAREN, RPAREN, COMMA, PIPE, AND, OR, NOT,
        EQ, NEQ, GT, GTE, LT, LTE, RE, NRE,
        /** Structural operators; {@code >}, {@code <} and {@code !~} between spansets are GT, LT and NRE. */
        DESC, ANC, SIBLING, NOT_DESC, NOT_ANC, NOT_CHILD, NOT_PARENT,
        UNION_CHILD, UNION_DESC, UNION_PARENT, UNION_ANC, UNION_SIBLING,
        IDENT, ATTRIBUTE, STRING, INTEGER, FLOAT, DURATION, EOF
    }

    Token(Kind kind, String text, int pos) {
        this(kind, text, "", pos);
    }

    boolean is(Kind k) {
        return kind == k;
    }

    boolean isComparison() {
        return switch (kind) {
            case EQ, NEQ, GT, GTE, LT, LTE, RE, NRE -> true;
            default -> false;
        };
    }

    /** How the token reads in an error message. */
    String describe() {
        return switch (kind) {
            case EOF -> "end of query";
            case STRING -> "string \"" + text + "\"";
            case ATTRIBUTE -> "attribute " + (scope.isEmpty() ? "." : scope + ".") + text;
            default -> "'" + text + "'";
        };
    }
}
