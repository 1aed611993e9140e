package io.sightline.query.logql;

/** One LogQL token: its kind, its text (unquoted for strings) and where it starts. */
record Token(Kind kind, String text, int pos) {
    enum Kind {
        IDENT, STRING, NUMBER, DURATION, BYTES,
        LBRACE, RBRACE, LPAREN, RPAREN, LBRACKET, RBRACKET, COMMA,
        EQ, NEQ, RE, NRE, PIPE_EXACT, PIPE_MATCH, PIPE,
        GT, GTE, LT, LTE, EQEQ,
        ADD, SUB, MUL, DIV, MOD, POW,
        EOF
    }

    boolean is(Kind k) {
        return kind == k;
    }

    boolean isIdent(String word) {
        return kind == Kind.IDENT && text.equals(word);
    }
}
