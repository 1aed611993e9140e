/**
 * Scanning steps the LogQL and TraceQL lexers share ({@link Lexing}); each language keeps its own tokens, numbers,
 * durations and the escapes only it knows. Not for use outside {@code query}.
 */
package io.sightline.query.lexer;
