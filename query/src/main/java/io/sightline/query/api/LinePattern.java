package io.sightline.query.api;

/**
 * Reduces a log line to its pattern in LogQL's {@code pattern} syntax: the variable parts become {@code <_>}.
 * A token (split at spaces and commas) with a digit in it is variable; in {@code key=value} and JSON
 * {@code "key":value} tokens only the value is, so the keys stay; a run of variable tokens is one {@code <_>}.
 * A cheap stand-in for Loki's Drain clustering, good for the repetitive lines machines write. Stateless.
 */
final class LinePattern {
    static final String VAR = "<_>";
    /** Longer lines are cut: their tail rarely changes the pattern and would cost the most. */
    private static final int MAX_CHARS = 2_000;

    private LinePattern() {
    }

    static String of(String line) {
        String text = line.length() > MAX_CHARS ? line.substring(0, MAX_CHARS) : line;
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        boolean lastWasVar = false;
        while (i < n) {
            char c = text.charAt(i);
            if (c == ' ' || c == ',' || c == '\t') {
                out.append(c);
                i++;
                continue;
            }
            int end = i;
            while (end < n && " ,\t".indexOf(text.charAt(end)) < 0) {
                end++;
            }
            String token = text.substring(i, end);
            int sep = separator(token);
            String value = sep < 0 ? token : token.substring(sep + 1);
            if (hasDigit(value)) {
                if (sep >= 0) {
                    out.append(token, 0, sep + 1).append(VAR);
                    lastWasVar = false;
                } else if (lastWasVar) {
                    trimToLastVar(out);
                } else {
                    out.append(VAR);
                    lastWasVar = true;
                }
            } else {
                out.append(token);
                lastWasVar = false;
            }
            i = end;
        }
        return out.toString();
    }

    /** Drops the separators written since the last {@code <_>}, so that two variable tokens merge into one. */
    private static void trimToLastVar(StringBuilder out) {
        int at = out.lastIndexOf(VAR);
        out.setLength(at + VAR.length());
    }

    /** Where the value of a {@code key=value} or {@code "key":value} token starts (minus one), or -1. */
    private static int separator(String token) {
        int eq = token.indexOf('=');
        if (eq > 0 && !hasDigit(token.substring(0, eq))) {
            return eq;
        }
        int colon = token.indexOf("\":");
        if (colon > 0) {
            return colon + 1;
        }
        return -1;
    }

    private static boolean hasDigit(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                return true;
            }
        }
        return false;
    }
}
