package io.sightline.query.logql;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code | pattern "<ip> - - [<_>] \"<method> <uri> <_>\" <status>"}: literals and named captures
 * ({@code <_>} captures nothing), matched from the start of the line; the last capture takes the rest of
 * the line when no literal follows it. A line that does not match gets no labels. Thread-safe.
 */
final class PatternStage {
    private final List<String> literals; // literal before capture i; the last one trails
    private final List<String> names;

    private PatternStage(List<String> literals, List<String> names) {
        this.literals = literals;
        this.names = names;
    }

    static PatternStage compile(String pattern) {
        List<String> literals = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int i = 0;
        StringBuilder lit = new StringBuilder();
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            int close = pattern.indexOf('>', i);
            if (c == '<' && close > i + 1 && pattern.substring(i + 1, close).matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                if (!names.isEmpty() && lit.isEmpty()) {
                    throw new IllegalArgumentException("pattern \"" + pattern + "\" has two captures in a row; put a literal between them");
                }
                literals.add(lit.toString());
                lit.setLength(0);
                names.add(pattern.substring(i + 1, close));
                i = close + 1;
            } else {
                lit.append(c);
                i++;
            }
        }
        literals.add(lit.toString());
        if (names.stream().allMatch("_"::equals)) {
            throw new IllegalArgumentException("pattern \"" + pattern + "\" needs at least one named capture such as <name>");
        }
        return new PatternStage(literals, names);
    }

    void apply(LogLine l) {
        String s = l.line();
        if (!s.startsWith(literals.getFirst())) {
            return;
        }
        int pos = literals.getFirst().length();
        String[] values = new String[names.size()];
        for (int k = 0; k < names.size(); k++) {
            String next = literals.get(k + 1);
            int end;
            if (next.isEmpty()) {
                end = s.length();
            } else {
                end = s.indexOf(next, pos);
                if (end < 0) {
                    return;
                }
            }
            values[k] = s.substring(pos, end);
            pos = end + next.length();
        }
        for (int k = 0; k < names.size(); k++) {
            if (!names.get(k).equals("_")) {
                l.setParsed(names.get(k), values[k]);
            }
        }
    }
}
