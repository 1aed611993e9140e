package io.sightline.query.promql.parser;

/** Lexical token kinds. Keywords are lexed as identifiers; the parser gives them meaning by position. */
public enum TokenKind {
    EOF, ERROR, IDENTIFIER, METRIC_IDENTIFIER, NUMBER, DURATION, STRING,
    LEFT_PAREN, RIGHT_PAREN, LEFT_BRACE, RIGHT_BRACE, LEFT_BRACKET, RIGHT_BRACKET, COMMA, COLON, AT,
    ASSIGN, EQL, NEQ, EQL_REGEX, NEQ_REGEX, LSS, LTE, GTR, GTE, ADD, SUB, MUL, DIV, MOD, POW
}
