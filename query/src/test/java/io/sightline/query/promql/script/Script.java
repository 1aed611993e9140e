package io.sightline.query.promql.script;

import io.sightline.query.promql.parser.Durations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One Prometheus PromQL test script (promqltest format, see shared/reference/promql-tests/FORMAT.md). */
record Script(String name, List<Command> commands) {
    sealed interface Command {
        int line();
    }

    record Clear(int line) implements Command {
    }

    record Load(int line, long intervalMillis, boolean nhcb, List<SeriesLine> series) implements Command {
    }

    /** A series line: labels text (a selector) and its values. */
    record SeriesLine(String selector, Sequence values) {
    }

    record Eval(int line, String text, boolean range, long start, long end, long step, String expr,
                List<SeriesLine> series, Double scalar, String string, boolean fail, String failMsg,
                String failRegex, boolean ordered, List<Annotation> annotations, long[] rangeVector)
            implements Command {
        boolean expects(String kind) {
            return annotations.stream().anyMatch(a -> a.kind().equals(kind));
        }
    }

    /**
     * An {@code expect warn|info|no_warn|no_info} line; {@code msg} or {@code regex} (or neither) says what
     * the annotation text must be.
     */
    record Annotation(String kind, String msg, String regex) {
        boolean matches(String text) {
            return msg != null ? msg.equals(text) : regex == null || Pattern.compile(regex).matcher(text).find();
        }
    }

    private static final Pattern INSTANT = Pattern.compile("^eval(?:_(\\w+))?\\s+instant\\s+at\\s+(\\S+)\\s+(.+)$");
    private static final Pattern RANGE = Pattern.compile(
            "^eval(?:_(\\w+))?\\s+range\\s+from\\s+(\\S+)\\s+to\\s+(\\S+)\\s+step\\s+(\\S+)\\s+(.+)$");
    private static final Pattern RANGE_VECTOR = Pattern.compile(
            "^expect\\s+range\\s+vector\\s+from\\s+(\\S+)\\s+to\\s+(\\S+)\\s+step\\s+(\\S+)$");

    static Script read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Command> out = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String l = lines.get(i).trim();
            if (l.isEmpty() || l.startsWith("#")) {
                i++;
                continue;
            }
            int headerLine = i + 1;
            if (l.equals("clear")) { // clear has no body: the next line may start a command
                out.add(new Clear(headerLine));
                i++;
                continue;
            }
            List<String> body = new ArrayList<>();
            int j = i + 1;
            while (j < lines.size()) {
                String b = lines.get(j).trim();
                if (b.isEmpty() || b.startsWith("#")) {
                    break;
                }
                body.add(b);
                j++;
            }
            i = j;
            if (l.startsWith("load")) {
                String[] parts = l.split("\\s+");
                List<SeriesLine> series = new ArrayList<>();
                for (String b : body) {
                    if (!b.matches("^\\S*@st\\s.*")) { // start-timestamp lines: not supported, see SkipList
                        series.add(seriesLine(b));
                    }
                }
                out.add(new Load(headerLine, duration(parts[1]), parts[0].equals("load_with_nhcb"), series));
            } else if (l.startsWith("eval")) {
                out.add(eval(headerLine, l, body));
            } else {
                throw new IllegalArgumentException(file + ":" + headerLine + ": unknown command " + l);
            }
        }
        return new Script(file.getFileName().toString(), out);
    }

    private static Eval eval(int line, String header, List<String> body) {
        Matcher mi = INSTANT.matcher(header);
        Matcher mr = RANGE.matcher(header);
        boolean range;
        String variant;
        long start;
        long end = 0;
        long step = 0;
        String expr;
        if (mi.matches()) {
            range = false;
            variant = mi.group(1);
            start = duration(mi.group(2));
            expr = mi.group(3);
        } else if (mr.matches()) {
            range = true;
            variant = mr.group(1);
            start = duration(mr.group(2));
            end = duration(mr.group(3));
            step = duration(mr.group(4));
            expr = mr.group(5);
        } else {
            throw new IllegalArgumentException("line " + line + ": bad eval " + header);
        }
        boolean fail = "fail".equals(variant);
        boolean ordered = "ordered".equals(variant);
        List<Annotation> annotations = new ArrayList<>();
        if ("warn".equals(variant) || "info".equals(variant)) {
            annotations.add(new Annotation(variant, null, null));
        }
        String failMsg = null;
        String failRegex = null;
        String string = null;
        Double scalar = null;
        long[] rangeVector = null;
        List<SeriesLine> series = new ArrayList<>();
        for (String b : body) {
            if (b.startsWith("expect ")) {
                String rest = b.substring(7).trim();
                Matcher rv = RANGE_VECTOR.matcher(b);
                if (rv.matches()) {
                    rangeVector = new long[]{duration(rv.group(1)), duration(rv.group(2)), duration(rv.group(3))};
                } else if (rest.startsWith("fail")) {
                    fail = true;
                    String r = rest.substring(4).trim();
                    if (r.startsWith("msg:")) {
                        failMsg = r.substring(4).trim();
                    } else if (r.startsWith("regex:")) {
                        failRegex = r.substring(6).trim();
                    }
                } else if (rest.equals("ordered")) {
                    ordered = true;
                } else if (rest.matches("(no_)?(warn|info)\\b.*")) {
                    String kind = rest.split("[\\s:]", 2)[0];
                    String r = rest.substring(kind.length()).trim();
                    annotations.add(new Annotation(kind, r.startsWith("msg:") ? r.substring(4).trim() : null,
                            r.startsWith("regex:") ? r.substring(6).trim() : null));
                } else if (rest.startsWith("string")) {
                    String q = rest.substring(6).trim();
                    string = q.substring(1, q.length() - 1);
                }
            } else if (b.startsWith("expected_fail_message")) {
                failMsg = b.substring("expected_fail_message".length()).trim();
            } else if (b.startsWith("expected_fail_regexp")) {
                failRegex = b.substring("expected_fail_regexp".length()).trim();
            } else if (isScalar(b)) {
                scalar = Sequence.number(b);
            } else {
                series.add(seriesLine(b));
            }
        }
        return new Eval(line, header, range, start, end, step, expr, series, scalar, string, fail, failMsg, failRegex,
                ordered, annotations, rangeVector);
    }

    private static boolean isScalar(String b) {
        try {
            Sequence.number(b);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Splits {@code name{labels} values} at the end of the selector (braces and quotes respected). */
    static SeriesLine seriesLine(String line) {
        int i = 0;
        int depth = 0;
        char quote = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'' || c == '`') {
                quote = c;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    i++;
                    break;
                }
            } else if (Character.isWhitespace(c) && depth == 0) {
                break;
            }
            i++;
        }
        return new SeriesLine(line.substring(0, i).trim(), Sequence.parse(line.substring(i)));
    }

    static long duration(String s) {
        boolean neg = s.startsWith("-");
        String d = neg ? s.substring(1) : s;
        long ms = d.matches("\\d+") ? Long.parseLong(d) * 1000 : Durations.parse(d);
        return neg ? -ms : ms;
    }
}
