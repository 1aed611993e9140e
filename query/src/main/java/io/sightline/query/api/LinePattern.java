package io.sightline.query.api;

/**
 * Masks the variable parts of a log line's tokens as {@code <_>} (LogQL's {@code pattern} syntax), before
 * {@link Drain} clusters lines: a token (split at spaces and commas) with a digit in it is variable; in
 * {@code key=value} and JSON {@code "key":value} tokens only the value is, so the keys stay. Stateless.
 */
final class LinePattern {
    static final String VAR = "<_>";
    /** Longer lines are cut: their tail rarely changes the pattern and would cost the most. */
    static final int MAX_CHARS = 2_000;

    private LinePattern() {
    }

    /** The pattern of one line alone (the template a new {@link Drain} cluster starts from). */
    static String of(String line) {
        return new Drain(1).add(line).pattern();
    }

    /** {@code <_>} for a token with a digit; {@code key=<_>} or {@code "key":<_>} when only its value has one. */
    static String mask(String token) {
        int sep = separator(token);
        String value = sep < 0 ? token : token.substring(sep + 1);
        if (!hasDigit(value)) {
            return token;
        }
        return sep < 0 ? VAR : token.substring(0, sep + 1) + VAR;
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
