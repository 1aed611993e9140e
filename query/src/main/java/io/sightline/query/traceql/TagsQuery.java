package io.sightline.query.traceql;

import io.sightline.query.QueryException;
import io.sightline.query.promql.parser.Strings;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns Tempo's tag search ({@code tags} in logfmt, {@code minDuration}, {@code maxDuration}) into the equivalent
 * TraceQL filter: {@code service.name} is the resource attribute, {@code name} the span name, {@code status.code}
 * the status; other keys are unscoped attributes matched as text, so {@code http.status_code=500} finds the int 500.
 * The durations bound the trace's duration.
 */
final class TagsQuery {
    private TagsQuery() {
    }

    static String toTraceQl(String tags, long minDurationNanos, long maxDurationNanos) {
        List<String> conditions = new ArrayList<>();
        for (String[] kv : logfmt(tags == null ? "" : tags)) {
            conditions.add(condition(kv[0], kv[1]));
        }
        if (minDurationNanos > 0) {
            conditions.add("traceDuration >= " + minDurationNanos + "ns");
        }
        if (maxDurationNanos > 0) {
            conditions.add("traceDuration <= " + maxDurationNanos + "ns");
        }
        return "{" + String.join(" && ", conditions) + "}";
    }

    private static String condition(String key, String value) {
        String quoted = Strings.goQuote(value);
        switch (key) {
            case "name":
                return "name = " + quoted;
            case "status.code", "status":
                String v = switch (value) {
                    case "2", "STATUS_CODE_ERROR" -> "error";
                    case "1", "STATUS_CODE_OK" -> "ok";
                    case "0", "STATUS_CODE_UNSET" -> "unset";
                    default -> value;
                };
                if (Enums.status(v) < 0) {
                    throw new QueryException(QueryException.ErrorType.BAD_DATA,
                            "invalid tags: status.code must be error, ok or unset, got \"" + value + "\"");
                }
                return "status = " + v;
            case "service.name":
                return "resource.service.name = " + quoted;
            default:
                break;
        }
        String attr = "." + Strings.goQuote(key);
        StringBuilder any = new StringBuilder("(").append(attr).append(" = ").append(quoted);
        if (value.matches("-?\\d{1,18}")) {
            any.append(" || ").append(attr).append(" = ").append(value);
        } else if (value.equals("true") || value.equals("false")) {
            any.append(" || ").append(attr).append(" = ").append(value);
        }
        return any.append(')').toString();
    }

    /** {@code key=value} pairs separated by spaces; values may be double-quoted with Go escapes. */
    static List<String[]> logfmt(String s) {
        List<String[]> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= s.length()) {
                break;
            }
            int keyStart = i;
            while (i < s.length() && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            String key = s.substring(keyStart, i);
            if (i >= s.length() || s.charAt(i) != '=' || key.isEmpty()) {
                throw new QueryException(QueryException.ErrorType.BAD_DATA,
                        "invalid tags \"" + s + "\": expected key=value pairs separated by spaces (logfmt) at position " + (keyStart + 1));
            }
            i++;
            StringBuilder value = new StringBuilder();
            if (i < s.length() && s.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < s.length()) {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < s.length()) {
                        char e = s.charAt(i++);
                        value.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    throw new QueryException(QueryException.ErrorType.BAD_DATA, "invalid tags \"" + s + "\": unterminated quoted value of " + key);
                }
            } else {
                while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
                    value.append(s.charAt(i++));
                }
            }
            out.add(new String[] {key, value.toString()});
        }
        return out;
    }
}
