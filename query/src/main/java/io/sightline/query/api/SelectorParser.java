package io.sightline.query.api;

import io.sightline.storage.model.Labels;
import io.sightline.storage.model.Matcher;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a series selector of {@code match[]}: {@code metric}, {@code metric{a="b", c!~"d.*"}}, {@code {a="b"}}, and
 * Prometheus 3's quoted names ({@code {"my.metric", "my.label"="x"}}). Strings take double quotes, single
 * quotes (both with Go escapes) or back-ticks (raw). Errors read like Prometheus's: {@code 1:7: parse error: ...}.
 * Not thread-safe; one per selector.
 */
final class SelectorParser {
    private final String in;
    private int pos;

    private SelectorParser(String in) {
        this.in = in;
    }

    /** @throws IllegalArgumentException with a positioned message */
    static List<Matcher> parse(String selector) {
        return new SelectorParser(selector).selector();
    }

    private List<Matcher> selector() {
        List<Matcher> matchers = new ArrayList<>();
        String metric = null;
        skipSpace();
        if (pos < in.length() && isMetricStart(in.charAt(pos))) {
            int start = pos;
            while (pos < in.length() && isMetricChar(in.charAt(pos))) {
                pos++;
            }
            metric = in.substring(start, pos);
            skipSpace();
        }
        if (pos < in.length() && in.charAt(pos) == '{') {
            pos++;
            metric = braces(matchers, metric);
        } else if (metric == null) {
            throw error(pos >= in.length() ? "unexpected end of input"
                    : "unexpected character: " + describe(in.charAt(pos)));
        }
        skipSpace();
        if (pos < in.length()) {
            throw error("unexpected character after series selector: " + describe(in.charAt(pos))
                    + " (match[] takes a series selector, not an expression)");
        }
        if (metric != null) {
            matchers.addFirst(Matcher.eq(Labels.METRIC_NAME, metric));
        }
        return matchers;
    }

    /** Reads matchers up to the closing brace; returns the metric name, which a quoted name may set. */
    private String braces(List<Matcher> matchers, String metric) {
        while (true) {
            skipSpace();
            if (pos >= in.length()) {
                throw error("unexpected end of input inside braces");
            }
            char c = in.charAt(pos);
            if (c == '}') {
                pos++;
                return metric;
            }
            int itemStart = pos;
            String name;
            boolean quoted = isQuote(c);
            if (quoted) {
                name = string();
            } else if (isLabelStart(c)) {
                int start = pos;
                while (pos < in.length() && isLabelChar(in.charAt(pos))) {
                    pos++;
                }
                name = in.substring(start, pos);
            } else {
                throw error("unexpected character inside braces: " + describe(c));
            }
            skipSpace();
            if (quoted && (pos >= in.length() || in.charAt(pos) == ',' || in.charAt(pos) == '}')) {
                metric = setMetric(metric, name, itemStart);
            } else {
                Matcher.Type type = operator();
                skipSpace();
                if (pos >= in.length() || !isQuote(in.charAt(pos))) {
                    throw error("unexpected " + (pos >= in.length() ? "end of input" : describe(in.charAt(pos)))
                            + " in label matching, expected string");
                }
                int valueAt = pos;
                String value = string();
                try {
                    Matcher m = Matcher.of(type, name, value);
                    if (name.equals(Labels.METRIC_NAME) && type == Matcher.Type.EQ && metric != null) {
                        throw errorAt(itemStart, "metric name must not be set twice: " + GoQuote.quote(metric)
                                + " or " + GoQuote.quote(value));
                    }
                    matchers.add(m);
                } catch (IllegalArgumentException e) {
                    if (e.getMessage() != null && e.getMessage().startsWith("1:")) {
                        throw e;
                    }
                    throw errorAt(valueAt, e.getMessage());
                }
            }
            skipSpace();
            if (pos < in.length() && in.charAt(pos) == ',') {
                pos++;
            } else if (pos < in.length() && in.charAt(pos) != '}') {
                throw error("unexpected " + describe(in.charAt(pos)) + " in label matching, expected \",\" or \"}\"");
            }
        }
    }

    private String setMetric(String metric, String name, int at) {
        if (metric != null) {
            throw errorAt(at, "metric name must not be set twice: " + GoQuote.quote(metric) + " or " + GoQuote.quote(name));
        }
        return name;
    }

    private Matcher.Type operator() {
        if (pos < in.length()) {
            char c = in.charAt(pos);
            char next = pos + 1 < in.length() ? in.charAt(pos + 1) : 0;
            if (c == '=' && next == '~') {
                pos += 2;
                return Matcher.Type.RE;
            }
            if (c == '!' && next == '~') {
                pos += 2;
                return Matcher.Type.NRE;
            }
            if (c == '!' && next == '=') {
                pos += 2;
                return Matcher.Type.NEQ;
            }
            if (c == '=') {
                pos++;
                return Matcher.Type.EQ;
            }
        }
        throw error("unexpected " + (pos >= in.length() ? "end of input" : describe(in.charAt(pos)))
                + " in label matching, expected label matching operator");
    }

    private String string() {
        int start = pos;
        char quote = in.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (pos < in.length()) {
            char c = in.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c == '\\' && quote != '`') {
                escape(sb, quote);
            } else if (c == '\n' && quote != '`') {
                break;
            } else {
                sb.append(c);
            }
        }
        throw errorAt(start, "unterminated quoted string");
    }

    private void escape(StringBuilder sb, char quote) {
        if (pos >= in.length()) {
            throw error("unterminated quoted string");
        }
        char c = in.charAt(pos++);
        switch (c) {
            case 'a' -> sb.append('\u0007');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'v' -> sb.append('\u000b');
            case '\\' -> sb.append('\\');
            case 'x' -> sb.append((char) hex(2));
            case 'u' -> sb.appendCodePoint(hex(4));
            case 'U' -> sb.appendCodePoint(hex(8));
            default -> {
                if (c == quote) {
                    sb.append(c);
                } else if (c >= '0' && c <= '7') {
                    pos--;
                    sb.append((char) octal());
                } else {
                    throw errorAt(pos - 2, "unknown escape sequence " + describe(c));
                }
            }
        }
    }

    private int hex(int digits) {
        if (pos + digits > in.length()) {
            throw error("unterminated escape sequence");
        }
        try {
            int v = Integer.parseUnsignedInt(in.substring(pos, pos + digits), 16);
            if (!Character.isValidCodePoint(v)) {
                throw error("escape sequence is an invalid Unicode code point");
            }
            pos += digits;
            return v;
        } catch (NumberFormatException e) {
            throw error("invalid character in escape sequence");
        }
    }

    private int octal() {
        if (pos + 3 > in.length()) {
            throw error("unterminated escape sequence");
        }
        int v = 0;
        for (int i = 0; i < 3; i++) {
            char d = in.charAt(pos++);
            if (d < '0' || d > '7') {
                throw error("invalid character in escape sequence");
            }
            v = v * 8 + (d - '0');
        }
        if (v > 255) {
            throw error("octal escape value > 255");
        }
        return v;
    }

    private void skipSpace() {
        while (pos < in.length() && Character.isWhitespace(in.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String message) {
        return errorAt(pos, message);
    }

    private static IllegalArgumentException errorAt(int at, String message) {
        return new IllegalArgumentException("1:" + (at + 1) + ": parse error: " + message);
    }

    private static String describe(char c) {
        return "'" + c + "'";
    }

    private static boolean isQuote(char c) {
        return c == '"' || c == '\'' || c == '`';
    }

    private static boolean isLabelStart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isLabelChar(char c) {
        return isLabelStart(c) || (c >= '0' && c <= '9');
    }

    private static boolean isMetricStart(char c) {
        return isLabelStart(c) || c == ':';
    }

    private static boolean isMetricChar(char c) {
        return isLabelChar(c) || c == ':';
    }
}
