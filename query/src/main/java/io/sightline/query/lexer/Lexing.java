package io.sightline.query.lexer;

import io.sightline.query.QueryException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Scanning steps the LogQL and TraceQL lexers share: the token loop, white space and quoted strings ({@code "..."}
 * with Go escapes, {@code `raw`} without). Positions are 0-based indexes into the query text. Stateless.
 */
public final class Lexing {
    /** Makes a language's parse error at a position (each language words and prefixes its errors itself). */
    @FunctionalInterface
    public interface ErrorAt {
        QueryException error(String message, int pos);
    }

    /** The escapes of a double-quoted string beyond {@code \n \t \r \\ \"}, which every language reads alike. */
    @FunctionalInterface
    public interface Escapes {
        /**
         * Appends escape {@code \e} to {@code out}; its backslash is at {@code at - 2}. Returns the index after the
         * escape ({@code at} when it has no more characters); throws the language's error for a bad one.
         */
        int append(char e, String src, int at, StringBuilder out);
    }

    /** A quoted string's value and the index just after its closing quote. */
    public record Quoted(String text, int end) {
    }

    private Lexing() {
    }

    /** Calls {@code next} until it returns the end token; returns every token, the end token last. */
    public static <T> List<T> tokens(Supplier<T> next, Predicate<T> isEnd) {
        List<T> out = new ArrayList<>();
        T t;
        do {
            t = next.get();
            out.add(t);
        } while (!isEnd.test(t));
        return out;
    }

    /** The index of the first character at or after {@code at} that is not white space. */
    public static int skipWhitespace(String src, int at) {
        while (at < src.length() && Character.isWhitespace(src.charAt(at))) {
            at++;
        }
        return at;
    }

    /**
     * Reads the string whose opening quote ({@code "} or {@code `}) is at {@code start}. Only double-quoted strings
     * have escapes; a missing closing quote is the error {@code "unterminated string"} at {@code start}.
     */
    public static Quoted quoted(String src, int start, Escapes escapes, ErrorAt errors) {
        char quote = src.charAt(start);
        int at = start + 1;
        StringBuilder sb = new StringBuilder();
        while (at < src.length()) {
            char c = src.charAt(at++);
            if (c == quote) {
                return new Quoted(sb.toString(), at);
            }
            if (c != '\\' || quote != '"') {
                sb.append(c);
                continue;
            }
            if (at >= src.length()) {
                break;
            }
            char e = src.charAt(at++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case '\\' -> sb.append('\\');
                case '"' -> sb.append('"');
                default -> at = escapes.append(e, src, at, sb);
            }
        }
        throw errors.error("unterminated string", start);
    }
}
