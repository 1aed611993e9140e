package io.sightline.query.promql.parser;

/** A half-open character range {@code [start, end)} of an expression in the query text. */
public record PosRange(int start, int end) {
    public static final PosRange NONE = new PosRange(0, 0);

    public PosRange to(PosRange other) {
        return new PosRange(start, other.end);
    }

    /** Prometheus's {@code line:column} of the start, 1-based, as in parse error messages. */
    public String startLineColumn(String query) {
        if (query.isEmpty()) {
            return "unknown position";
        }
        int line = 1;
        int lastBreak = -1;
        int pos = Math.min(Math.max(start, 0), query.length());
        for (int i = 0; i < pos; i++) {
            if (query.charAt(i) == '\n') {
                line++;
                lastBreak = i;
            }
        }
        return line + ":" + (pos - lastBreak);
    }
}
