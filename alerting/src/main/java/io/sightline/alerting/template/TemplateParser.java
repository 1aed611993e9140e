package io.sightline.alerting.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses the subset of Go's text/template that Prometheus rule templates use: text, {@code {{ pipeline }}}
 * actions with {@code |} pipes and parentheses, variables ({@code $labels.x}), fields ({@code .Value}),
 * string/number/bool literals, {@code {{- -}}} trimming, comments, {@code := } declarations, and
 * {@code if/else if/else/end}, {@code range} (also {@code $k, $v :=}), {@code with}, and named templates:
 * {@code define} (top level only, as in Go), {@code template} and {@code block}. Unknown functions are parse
 * errors, as in Go.
 */
final class TemplateParser {
    private final String name;
    private final String src;
    private final Set<String> functions;
    private final List<String> actions = new ArrayList<>();
    private final List<Object> pieces = new ArrayList<>(); // String text or Integer action index
    /** Named templates defined in this text, in order. */
    private final java.util.Map<String, List<Node>> defines = new java.util.LinkedHashMap<>();
    private int depth;
    /** Variables in scope; Go rejects an undefined variable at parse time, and so do we. */
    private final Set<String> variables = new java.util.HashSet<>(Set.of("", "labels", "externalLabels", "externalURL", "value"));
    private int pos;

    TemplateParser(String name, String src, Set<String> functions) {
        this.name = name;
        this.src = src;
        this.functions = functions;
    }

    /** The named templates the text defined with {@code define} or {@code block}; valid after {@link #parse()}. */
    java.util.Map<String, List<Node>> defines() {
        return defines;
    }

    List<Node> parse() {
        split();
        List<Node> body = new ArrayList<>();
        String end = parseList(body);
        if (end != null) {
            throw error("unexpected {{" + end + "}}");
        }
        return body;
    }

    /** Splits the source into text and action strings, applying trim markers. */
    private void split() {
        int i = 0;
        StringBuilder text = new StringBuilder();
        while (i < src.length()) {
            int open = src.indexOf("{{", i);
            if (open < 0) {
                text.append(src, i, src.length());
                break;
            }
            text.append(src, i, open);
            int start = open + 2;
            if (src.startsWith("- ", start) || src.startsWith("-\t", start) || src.startsWith("-\n", start)) {
                trimRight(text);
                start += 1;
            }
            int close = findClose(start);
            int endInner = close;
            boolean trimAfter = close - 1 >= start && src.charAt(close - 1) == '-'
                    && close - 2 >= start && Character.isWhitespace(src.charAt(close - 2));
            if (trimAfter) {
                endInner = close - 1;
            }
            pieces.add(text.toString());
            text.setLength(0);
            String inner = src.substring(start, endInner).trim();
            if (!(inner.startsWith("/*") && inner.endsWith("*/"))) {
                pieces.add(actions.size());
                actions.add(inner);
            }
            i = close + 2;
            if (trimAfter) {
                while (i < src.length() && Character.isWhitespace(src.charAt(i))) {
                    i++;
                }
            }
        }
        pieces.add(text.toString());
    }

    private int findClose(int from) {
        int i = from;
        while (i < src.length() - 1) {
            char c = src.charAt(i);
            if (c == '"' || c == '`') {
                int j = i + 1;
                while (j < src.length() && src.charAt(j) != c) {
                    j += (c == '"' && src.charAt(j) == '\\') ? 2 : 1;
                }
                i = j + 1;
                continue;
            }
            if (c == '}' && src.charAt(i + 1) == '}') {
                return i;
            }
            i++;
        }
        throw error("unclosed action starting at offset " + (from - 2));
    }

    private static void trimRight(StringBuilder sb) {
        int n = sb.length();
        while (n > 0 && Character.isWhitespace(sb.charAt(n - 1))) {
            n--;
        }
        sb.setLength(n);
    }

    /** Parses nodes until {{end}} or {{else...}}; returns that action's text, or null at the end of input. */
    private String parseList(List<Node> out) {
        while (pos < pieces.size()) {
            Object p = pieces.get(pos++);
            if (p instanceof String s) {
                if (!s.isEmpty()) {
                    out.add(new Node.Text(s));
                }
                continue;
            }
            String action = actions.get((Integer) p);
            String keyword = firstWord(action);
            switch (keyword) {
                case "end", "else" -> {
                    return action;
                }
                case "if", "range", "with" -> {
                    depth++;
                    out.add(parseControl(keyword, action.substring(keyword.length())));
                    depth--;
                }
                case "define" -> {
                    if (depth > 0) {
                        throw error("unexpected {{define}} inside a control structure; define at the top level");
                    }
                    String n = templateName(action.substring(6));
                    depth++;
                    defines.put(n, body("define"));
                    depth--;
                }
                case "template" -> out.add(include(action.substring(8), false));
                case "block" -> {
                    depth++;
                    Node.Include inc = include(action.substring(5), true);
                    defines.put(inc.name(), body("block"));
                    depth--;
                    out.add(inc);
                }
                default -> out.add(new Node.Action(parsePipeline(action)));
            }
        }
        return null;
    }

    private List<Node> body(String keyword) {
        List<Node> body = new ArrayList<>();
        String end = parseList(body);
        if (!"end".equals(end)) {
            throw error(end == null ? "missing {{end}} for {{" + keyword + "}}" : "unexpected {{" + end + "}} in {{" + keyword + "}}");
        }
        return body;
    }

    /** {@code "name" [pipeline]} after {@code template} or {@code block} ({@code block} requires the pipeline). */
    private Node.Include include(String rest, boolean isBlock) {
        Lexer lx = new Lexer(rest.trim());
        String q = lx.next();
        if (q == null || !(q.startsWith("\"") || q.startsWith("`"))) {
            throw error("template name must be a quoted string, got " + (q == null ? "nothing" : q));
        }
        String n = q.startsWith("`") ? q.substring(1, q.length() - 1) : unquote(q);
        String tail = rest.trim().substring(lx.i).trim();
        if (tail.isEmpty() && isBlock) {
            throw error("missing pipeline in {{block \"" + n + "\"}}");
        }
        return new Node.Include(n, tail.isEmpty() ? null : parsePipeline(tail));
    }

    private String templateName(String rest) {
        String t = rest.trim();
        if (t.length() < 2 || !(t.startsWith("\"") && t.endsWith("\"") || t.startsWith("`") && t.endsWith("`"))) {
            throw error("template name must be a quoted string, got " + t);
        }
        return t.startsWith("`") ? t.substring(1, t.length() - 1) : unquote(t);
    }

    private Node parseControl(String keyword, String pipelineText) {
        Node.Pipeline pipeline = parsePipeline(pipelineText.trim());
        List<Node> body = new ArrayList<>();
        String end = parseList(body);
        if (end == null) {
            throw error("missing {{end}} for {{" + keyword + "}}");
        }
        List<Node> elseBody = new ArrayList<>();
        if (!end.equals("end")) {
            String rest = end.substring(4).trim();
            if (rest.startsWith("if ") && keyword.equals("if")) {
                // {{else if x}} is sugar for {{else}}{{if x}}...{{end}} sharing the outer {{end}}
                elseBody.add(parseControl("if", rest.substring(2)));
                return new Node.Control(keyword, pipeline, body, elseBody);
            }
            if (!rest.isEmpty()) {
                throw error("unexpected {{" + end + "}}");
            }
            String close = parseList(elseBody);
            if (!"end".equals(close)) {
                throw error("missing {{end}} for {{" + keyword + "}}");
            }
        }
        return new Node.Control(keyword, pipeline, body, elseBody);
    }

    private static String firstWord(String action) {
        int i = 0;
        while (i < action.length() && Character.isLetter(action.charAt(i))) {
            i++;
        }
        return action.substring(0, i);
    }

    Node.Pipeline parsePipeline(String text) {
        Lexer lx = new Lexer(text);
        String declared = null;
        String key = null;
        int save = lx.i;
        String first = lx.peekToken();
        if (first != null && first.startsWith("$")) {
            lx.next();
            String op = lx.peekToken();
            if (first.endsWith(",") && op != null && op.startsWith("$")) {
                // range $k, $v := pipeline
                lx.next();
                String assign = lx.peekToken();
                if (":=".equals(assign) || "=".equals(assign)) {
                    lx.next();
                    key = first.substring(1, first.length() - 1);
                    declared = op.substring(1);
                    variables.add(key);
                    variables.add(declared);
                } else {
                    lx.i = save;
                }
            } else if (":=".equals(op) || "=".equals(op)) {
                lx.next();
                declared = first.substring(1);
                variables.add(declared);
            } else {
                lx.i = save;
            }
        }
        Node.Pipeline p = pipeline(lx, declared, key);
        if (lx.peekToken() != null) {
            throw error("unexpected \"" + lx.peekToken() + "\" in {{" + text + "}}");
        }
        return p;
    }

    private Node.Pipeline pipeline(Lexer lx, String declared, String key) {
        List<Node.Command> commands = new ArrayList<>();
        while (true) {
            List<Node.Operand> ops = new ArrayList<>();
            String t;
            while ((t = lx.peekToken()) != null && !t.equals("|") && !t.equals(")")) {
                lx.next();
                ops.add(operand(t, lx));
            }
            if (ops.isEmpty()) {
                throw error("missing value in pipeline");
            }
            commands.add(new Node.Command(ops));
            if ("|".equals(lx.peekToken())) {
                lx.next();
                continue;
            }
            return new Node.Pipeline(commands, declared, key);
        }
    }

    private Node.Operand operand(String t, Lexer lx) {
        char c = t.charAt(0);
        if (t.equals("(")) {
            Node.Pipeline inner = pipeline(lx, null, null);
            if (!")".equals(lx.next())) {
                throw error("unclosed parenthesis");
            }
            if (lx.i < lx.s.length() && lx.s.charAt(lx.i) == '.') {
                // (pipeline).Field with no space in between, as Go allows
                return new Node.Chain(new Node.Nested(inner), path(lx.next().substring(1)));
            }
            return new Node.Nested(inner);
        }
        if (c == '"') {
            return new Node.Literal(unquote(t));
        }
        if (c == '`') {
            return new Node.Literal(t.substring(1, t.length() - 1));
        }
        if (c == '.') {
            return new Node.Field(path(t.substring(1)));
        }
        if (c == '$') {
            int dot = t.indexOf('.');
            String var = dot < 0 ? t.substring(1) : t.substring(1, dot);
            if (!variables.contains(var)) {
                throw error("undefined variable \"$" + var + "\"");
            }
            return new Node.Variable(var, dot < 0 ? List.of() : path(t.substring(dot + 1)));
        }
        if (Character.isDigit(c) || c == '-' || c == '+') {
            try {
                return new Node.Literal(Double.parseDouble(t));
            } catch (NumberFormatException e) {
                throw error("bad number " + t);
            }
        }
        switch (t) {
            case "true" -> {
                return new Node.Literal(Boolean.TRUE);
            }
            case "false" -> {
                return new Node.Literal(Boolean.FALSE);
            }
            case "nil" -> {
                return new Node.Literal(null);
            }
            default -> {
                if (!functions.contains(t)) {
                    throw error("function \"" + t + "\" not defined");
                }
                return new Node.Function(t);
            }
        }
    }

    private static List<String> path(String dotted) {
        return dotted.isEmpty() ? List.of() : List.of(dotted.split("\\."));
    }

    private String unquote(String t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < t.length() - 1; i++) {
            char c = t.charAt(i);
            if (c == '\\' && i + 1 < t.length() - 1) {
                char n = t.charAt(++i);
                switch (n) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    default -> sb.append('\\').append(n);
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private TemplateException error(String message) {
        return new TemplateException("template: " + name + ": " + message);
    }

    /** Tokens: quoted strings, parentheses, pipes, := and words up to whitespace or a delimiter. */
    private final class Lexer {
        private final String s;
        private int i;

        Lexer(String s) {
            this.s = s;
        }

        String peekToken() {
            int save = i;
            String t = next();
            i = save;
            return t;
        }

        String next() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= s.length()) {
                return null;
            }
            int start = i;
            char c = s.charAt(i);
            if (c == '"' || c == '`') {
                i++;
                while (i < s.length() && s.charAt(i) != c) {
                    i += (c == '"' && s.charAt(i) == '\\') ? 2 : 1;
                }
                if (i >= s.length()) {
                    throw error("unterminated quoted string in {{" + s + "}}");
                }
                i++;
                return s.substring(start, i);
            }
            if (c == '(' || c == ')' || c == '|') {
                i++;
                return String.valueOf(c);
            }
            if (s.startsWith(":=", i)) {
                i += 2;
                return ":=";
            }
            while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && "()|".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            return s.substring(start, i);
        }
    }
}
