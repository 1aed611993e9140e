package io.sightline.query.logql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The Go text/template subset that {@code line_format} and {@code label_format} use: text, {@code {{.label}}},
 * {@code {{__line__}}}, {@code {{__timestamp__}}}, pipelines with functions ({@code {{.a | upper}}},
 * {@code {{printf "%s-%s" .a .b}}}), and {@code {{if}}/{{else}}/{{end}}}. Immutable and thread-safe once parsed.
 */
final class Template {
    private final List<Node> nodes;

    private Template(List<Node> nodes) {
        this.nodes = nodes;
    }

    /** What a template reads: a label by name, the line and the timestamp. */
    interface Context {
        String label(String name);

        String line();

        long timestampNanos();
    }

    sealed interface Node {
    }

    record Text(String text) implements Node {
    }

    record Action(List<List<String>> pipeline) implements Node {
    }

    record If(List<List<String>> condition, List<Node> then, List<Node> otherwise) implements Node {
    }

    /** @throws IllegalArgumentException naming what is wrong */
    static Template parse(String src) {
        int[] at = {0};
        List<Node> nodes = parseNodes(src, at, false);
        if (at[0] < src.length()) {
            throw new IllegalArgumentException("unexpected {{else}} or {{end}}");
        }
        return new Template(nodes);
    }

    private static List<Node> parseNodes(String src, int[] at, boolean inIf) {
        List<Node> out = new ArrayList<>();
        while (at[0] < src.length()) {
            int open = src.indexOf("{{", at[0]);
            if (open < 0) {
                out.add(new Text(src.substring(at[0])));
                at[0] = src.length();
                break;
            }
            if (open > at[0]) {
                out.add(new Text(src.substring(at[0], open)));
            }
            int close = src.indexOf("}}", open + 2);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed action at " + open);
            }
            String body = src.substring(open + 2, close).strip();
            if (body.startsWith("-")) {
                body = body.substring(1).strip();
            }
            if (body.endsWith("-")) {
                body = body.substring(0, body.length() - 1).strip();
            }
            if (body.equals("end") || body.equals("else")) {
                if (!inIf) {
                    throw new IllegalArgumentException("{{" + body + "}} without {{if}}");
                }
                at[0] = open; // the caller consumes it
                return out;
            }
            at[0] = close + 2;
            if (body.startsWith("if ")) {
                List<List<String>> cond = pipeline(body.substring(3));
                List<Node> then = parseNodes(src, at, true);
                List<Node> otherwise = List.of();
                if (src.startsWith("else", skipOpen(src, at[0]))) {
                    at[0] = src.indexOf("}}", at[0]) + 2;
                    otherwise = parseNodes(src, at, true);
                }
                if (at[0] >= src.length() || !src.startsWith("end", skipOpen(src, at[0]))) {
                    throw new IllegalArgumentException("{{if}} without {{end}}");
                }
                at[0] = src.indexOf("}}", at[0]) + 2;
                out.add(new If(cond, then, otherwise));
            } else if (!body.startsWith("/*")) {
                out.add(new Action(pipeline(body)));
            }
        }
        if (inIf) {
            throw new IllegalArgumentException("{{if}} without {{end}}");
        }
        return out;
    }

    private static int skipOpen(String src, int at) {
        int i = at + 2;
        while (i < src.length() && (src.charAt(i) == ' ' || src.charAt(i) == '-')) {
            i++;
        }
        return i;
    }

    /** Splits {@code a b | c d} into commands of words, keeping quoted strings whole (with their quotes). */
    private static List<List<String>> pipeline(String body) {
        List<List<String>> cmds = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '|') {
                if (cur.isEmpty()) {
                    throw new IllegalArgumentException("empty command before |");
                }
                cmds.add(cur);
                cur = new ArrayList<>();
                i++;
            } else if (c == '"' || c == '`') {
                int j = i + 1;
                while (j < body.length() && body.charAt(j) != c) {
                    j += body.charAt(j) == '\\' && c == '"' ? 2 : 1;
                }
                if (j >= body.length()) {
                    throw new IllegalArgumentException("unterminated string in " + body);
                }
                cur.add(body.substring(i, j + 1));
                i = j + 1;
            } else {
                int j = i;
                while (j < body.length() && !Character.isWhitespace(body.charAt(j)) && body.charAt(j) != '|') {
                    j++;
                }
                cur.add(body.substring(i, j));
                i = j;
            }
        }
        if (cur.isEmpty()) {
            throw new IllegalArgumentException("empty action");
        }
        cmds.add(cur);
        for (List<String> cmd : cmds) {
            String head = cmd.getFirst();
            if (!isOperand(head) && !Functions.exists(head)) {
                throw new IllegalArgumentException("function \"" + head + "\" not defined");
            }
        }
        return cmds;
    }

    private static boolean isOperand(String w) {
        return w.startsWith(".") || w.startsWith("\"") || w.startsWith("`") || w.equals("__line__") || w.equals("__timestamp__")
                || !w.isEmpty() && (Character.isDigit(w.charAt(0)) || w.charAt(0) == '-');
    }

    String execute(Context ctx) {
        StringBuilder sb = new StringBuilder();
        run(nodes, ctx, sb);
        return sb.toString();
    }

    private static void run(List<Node> nodes, Context ctx, StringBuilder sb) {
        for (Node n : nodes) {
            switch (n) {
                case Text t -> sb.append(t.text());
                case Action a -> sb.append(Functions.text(eval(a.pipeline(), ctx)));
                case If f -> run(Functions.truthy(eval(f.condition(), ctx)) ? f.then() : f.otherwise(), ctx, sb);
            }
        }
    }

    private static Object eval(List<List<String>> pipeline, Context ctx) {
        Object piped = null;
        boolean hasPiped = false;
        for (List<String> cmd : pipeline) {
            String head = cmd.getFirst();
            if (isOperand(head) && cmd.size() == 1) {
                piped = operand(head, ctx);
            } else {
                List<Object> args = new ArrayList<>();
                for (int i = 1; i < cmd.size(); i++) {
                    args.add(operand(cmd.get(i), ctx));
                }
                if (hasPiped) {
                    args.add(piped);
                }
                piped = Functions.call(head, args);
            }
            hasPiped = true;
        }
        return piped;
    }

    private static Object operand(String w, Context ctx) {
        if (w.equals("__line__")) {
            return ctx.line();
        }
        if (w.equals("__timestamp__")) {
            return ctx.timestampNanos();
        }
        if (w.equals(".")) {
            return "";
        }
        if (w.startsWith(".")) {
            String v = ctx.label(w.substring(1));
            return v == null ? "" : v;
        }
        if (w.startsWith("\"")) {
            return w.substring(1, w.length() - 1).replace("\\\"", "\"").replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\");
        }
        if (w.startsWith("`")) {
            return w.substring(1, w.length() - 1);
        }
        try {
            return w.contains(".") ? (Object) Double.parseDouble(w) : (Object) Long.parseLong(w);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad operand " + w);
        }
    }

    /** The template functions (Loki's set, the common part). */
    static final class Functions {
        private static final java.util.Set<String> NAMES = java.util.Set.of("lower", "upper", "ToLower", "ToUpper", "title",
                "trim", "trimSpace", "trimAll", "trimPrefix", "trimSuffix", "replace", "substr", "default", "printf", "len",
                "contains", "hasPrefix", "hasSuffix", "eq", "ne", "not", "and", "or", "regexReplaceAll",
                "regexReplaceAllLiteral", "repeat", "unixEpoch", "unixEpochMillis", "alignLeft", "alignRight", "abbrev", "int", "float64");

        private Functions() {
        }

        static boolean exists(String name) {
            return NAMES.contains(name);
        }

        static String text(Object o) {
            if (o == null) {
                return "";
            }
            if (o instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
                return Long.toString(d.longValue());
            }
            return o.toString();
        }

        static boolean truthy(Object o) {
            return o != null && !(o instanceof Boolean b && !b) && !text(o).isEmpty() && !(o instanceof Number n && n.doubleValue() == 0);
        }

        private static String s(List<Object> a, int i) {
            if (i >= a.size()) {
                throw new IllegalArgumentException("missing argument " + (i + 1));
            }
            return text(a.get(i));
        }

        private static int n(List<Object> a, int i) {
            Object o = a.get(i);
            return o instanceof Number num ? num.intValue() : Integer.parseInt(text(o).strip());
        }

        static Object call(String name, List<Object> a) {
            Function<String, String> one = switch (name) {
                case "lower", "ToLower" -> x -> x.toLowerCase(Locale.ROOT);
                case "upper", "ToUpper" -> x -> x.toUpperCase(Locale.ROOT);
                case "title" -> x -> x.isEmpty() ? x : Character.toUpperCase(x.charAt(0)) + x.substring(1);
                case "trim", "trimSpace" -> String::strip;
                default -> null;
            };
            if (one != null) {
                return one.apply(s(a, a.size() - 1));
            }
            return switch (name) {
                case "trimAll" -> trimAll(s(a, 1), s(a, 0));
                case "trimPrefix" -> s(a, 1).startsWith(s(a, 0)) ? s(a, 1).substring(s(a, 0).length()) : s(a, 1);
                case "trimSuffix" -> s(a, 1).endsWith(s(a, 0)) ? s(a, 1).substring(0, s(a, 1).length() - s(a, 0).length()) : s(a, 1);
                case "replace" -> s(a, 2).replace(s(a, 0), s(a, 1));
                case "substr" -> {
                    String x = s(a, 2);
                    int from = Math.max(0, Math.min(n(a, 0), x.length()));
                    int to = n(a, 1) < 0 ? x.length() : Math.max(from, Math.min(n(a, 1), x.length()));
                    yield x.substring(from, to);
                }
                case "default" -> a.size() < 2 || s(a, 1).isEmpty() ? s(a, 0) : s(a, 1);
                case "printf" -> printf(s(a, 0), a.subList(1, a.size()));
                case "len" -> (long) s(a, 0).length();
                case "contains" -> s(a, 1).contains(s(a, 0));
                case "hasPrefix" -> s(a, 0).startsWith(s(a, 1));
                case "hasSuffix" -> s(a, 0).endsWith(s(a, 1));
                case "eq" -> s(a, 0).equals(s(a, 1));
                case "ne" -> !s(a, 0).equals(s(a, 1));
                case "not" -> !truthy(a.getFirst());
                case "and" -> a.stream().allMatch(Functions::truthy);
                case "or" -> a.stream().filter(Functions::truthy).findFirst().orElse(a.isEmpty() ? "" : a.getLast());
                case "regexReplaceAll" -> java.util.regex.Pattern.compile(s(a, 0)).matcher(s(a, 2))
                        .replaceAll(s(a, 1).replaceAll("\\$\\{(\\w+)}", "\\${$1}"));
                case "regexReplaceAllLiteral" -> java.util.regex.Pattern.compile(s(a, 0)).matcher(s(a, 2))
                        .replaceAll(java.util.regex.Matcher.quoteReplacement(s(a, 1)));
                case "repeat" -> s(a, 1).repeat(Math.max(0, n(a, 0)));
                case "unixEpoch" -> java.time.Instant.parse(s(a, 0)).getEpochSecond();
                case "unixEpochMillis" -> java.time.Instant.parse(s(a, 0)).toEpochMilli();
                case "alignLeft" -> pad(s(a, 1), n(a, 0), true);
                case "alignRight" -> pad(s(a, 1), n(a, 0), false);
                case "abbrev" -> s(a, 1).length() <= n(a, 0) ? s(a, 1) : s(a, 1).substring(0, Math.max(0, n(a, 0) - 3)) + "...";
                case "int" -> (long) Double.parseDouble(s(a, 0).strip());
                case "float64" -> Double.parseDouble(s(a, 0).strip());
                default -> throw new IllegalArgumentException("function \"" + name + "\" not defined");
            };
        }

        private static String trimAll(String x, String cut) {
            int from = 0;
            int to = x.length();
            while (from < to && cut.indexOf(x.charAt(from)) >= 0) {
                from++;
            }
            while (to > from && cut.indexOf(x.charAt(to - 1)) >= 0) {
                to--;
            }
            return x.substring(from, to);
        }

        private static String pad(String x, int width, boolean left) {
            if (x.length() >= width) {
                return x.substring(0, Math.max(0, width));
            }
            return left ? x + " ".repeat(width - x.length()) : " ".repeat(width - x.length()) + x;
        }

        /** Go's printf verbs %s %d %v %f %q mapped onto Java's formatter. */
        private static String printf(String format, List<Object> args) {
            String javaFormat = format.replace("%v", "%s").replace("%q", "\"%s\"");
            Object[] converted = new Object[args.size()];
            for (int i = 0; i < converted.length; i++) {
                Object o = args.get(i);
                converted[i] = o instanceof String str && javaFormat.contains("%d") ? parseOr(str) : o;
            }
            try {
                return String.format(Locale.ROOT, javaFormat, converted);
            } catch (java.util.IllegalFormatException e) {
                return String.format(Locale.ROOT, javaFormat.replaceAll("%[0-9.]*[df]", "%s"), args.toArray());
            }
        }

        private static Object parseOr(String s) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                return s;
            }
        }
    }
}
