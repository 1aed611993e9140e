package io.sightline.storage.model;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A label matcher: {@code name=value}, {@code !=}, {@code =~} or {@code !~}. Regular expressions are
 * fully anchored, as in Prometheus. A missing label matches as the empty string, so {@code foo=""}
 * selects series without {@code foo}. Immutable and thread-safe.
 */
public final class Matcher {
    public enum Type {
        EQ("="), NEQ("!="), RE("=~"), NRE("!~");

        private final String symbol;

        Type(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    private final Type type;
    private final String name;
    private final String value;
    private final Pattern pattern;

    private Matcher(Type type, String name, String value, Pattern pattern) {
        this.type = type;
        this.name = name;
        this.value = value;
        this.pattern = pattern;
    }

    /** @throws IllegalArgumentException when a regular expression does not compile; the message says why */
    public static Matcher of(Type type, String name, String value) {
        Pattern p = null;
        if (type == Type.RE || type == Type.NRE) {
            try {
                p = Pattern.compile("(?:" + value + ")", Pattern.DOTALL);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid regular expression " + quote(value) + ": " + e.getDescription(), e);
            }
        }
        return new Matcher(type, name, value, p);
    }

    public static Matcher eq(String name, String value) {
        return of(Type.EQ, name, value);
    }

    public Type type() {
        return type;
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    /** Whether a label value (the empty string when the label is missing) matches. */
    public boolean matches(String labelValue) {
        String v = labelValue == null ? "" : labelValue;
        return switch (type) {
            case EQ -> v.equals(value);
            case NEQ -> !v.equals(value);
            case RE -> pattern.matcher(v).matches();
            case NRE -> !pattern.matcher(v).matches();
        };
    }

    /** Whether this matcher selects series that lack the label entirely. */
    public boolean matchesEmpty() {
        return matches("");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matcher m && m.type == type && m.name.equals(name) && m.value.equals(value);
    }

    @Override
    public int hashCode() {
        return (type.hashCode() * 31 + name.hashCode()) * 31 + value.hashCode();
    }

    @Override
    public String toString() {
        return name + type.symbol + quote(value);
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
