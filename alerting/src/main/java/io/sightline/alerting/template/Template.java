package io.sightline.alerting.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed template in Prometheus's rule-template dialect (Go text/template subset, see {@link TemplateParser}).
 * No maintained Java library implements Go's text/template, so this small one covers what rule files use.
 * Immutable and thread-safe; {@link #execute} may run concurrently.
 *
 * <p>Data as Prometheus gives it: {@code $labels}/{@code .Labels}, {@code $value}/{@code .Value},
 * {@code $externalLabels}/{@code .ExternalLabels}, {@code $externalURL}/{@code .ExternalURL}. A missing map
 * key prints as the empty string ({@code missingkey=zero}).
 */
public final class Template {
    /** Evaluates PromQL for the {@code query} function at the rule's evaluation time. */
    @FunctionalInterface
    public interface QueryFunction {
        List<Sample> query(String expr);
    }

    /** A query result element as templates see it: {@code .Labels} and {@code .Value}. */
    public record Sample(Map<String, String> labels, double value) {
    }

    /** Everything a rule template can read. */
    public record Data(Map<String, String> labels, Map<String, String> externalLabels, String externalUrl, double value) {
    }

    private static final int MAX_RANGE_ITEMS = 10_000;
    /** Go stops runaway recursion of {@code template} calls at 100,000; a chat message needs far fewer. */
    private static final int MAX_INCLUDE_DEPTH = 100;

    private final String name;
    private final List<Node> nodes;
    /** Named templates this one may call: its own {@code define}s over the library's. */
    private final Map<String, List<Node>> defines;

    private Template(String name, List<Node> nodes, Map<String, List<Node>> defines) {
        this.name = name;
        this.nodes = nodes;
        this.defines = defines;
    }

    /** @throws TemplateException naming {@code name} when the text does not parse or calls an unknown function */
    public static Template parse(String name, String text) {
        return parse(name, text, TemplateLibrary.EMPTY);
    }

    /**
     * Parses a template that may call the library's named templates with {@code {{ template "name" . }}}.
     *
     * @throws TemplateException naming {@code name} when the text does not parse, calls an unknown function, or
     *                           calls a named template that neither it nor the library defines
     */
    public static Template parse(String name, String text, TemplateLibrary library) {
        TemplateParser p = new TemplateParser(name, text, TemplateFunctions.NAMES);
        List<Node> nodes = p.parse();
        Map<String, List<Node>> all = new HashMap<>(library.defines());
        all.putAll(p.defines());
        Template t = new Template(name, nodes, Map.copyOf(all));
        t.checkIncludes(nodes, new java.util.HashSet<>());
        return t;
    }

    /** Go fails only when the call runs; a config check should fail at load, so every call is resolved now. */
    private void checkIncludes(List<Node> list, java.util.Set<String> seen) {
        for (Node n : list) {
            switch (n) {
                case Node.Include inc -> {
                    List<Node> body = defines.get(inc.name());
                    if (body == null) {
                        throw new TemplateException("template: " + name + ": no such template \"" + inc.name() + "\"");
                    }
                    if (seen.add(inc.name())) {
                        checkIncludes(body, seen);
                    }
                }
                case Node.Control c -> {
                    checkIncludes(c.body(), seen);
                    checkIncludes(c.elseBody(), seen);
                }
                default -> {
                }
            }
        }
    }

    /** Whether the text contains no action at all, so it can be used verbatim. */
    public boolean isConstant() {
        return nodes.stream().allMatch(n -> n instanceof Node.Text);
    }

    /**
     * Expands the template.
     *
     * @param query used by the {@code query} function; may be null when templates call none
     * @throws TemplateException naming the template when a function fails
     */
    public String execute(Data data, QueryFunction query) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("labels", data.labels());
        vars.put("externalLabels", data.externalLabels());
        vars.put("externalURL", data.externalUrl());
        vars.put("value", data.value());
        Map<String, Object> dot = new HashMap<>();
        dot.put("Labels", data.labels());
        dot.put("ExternalLabels", data.externalLabels());
        dot.put("ExternalURL", data.externalUrl());
        dot.put("Value", data.value());
        vars.put("", dot); // Go's $ is the data the template started with
        StringBuilder out = new StringBuilder();
        new Exec(query, vars).run(nodes, dot, out);
        return out.toString();
    }

    /**
     * Expands the template with {@code dot} as its data (and {@code $}), for data models other than a rule's.
     *
     * @throws TemplateException naming the template when a function or method fails
     */
    public String execute(Object dot) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("", dot);
        StringBuilder out = new StringBuilder();
        new Exec(null, vars).run(nodes, dot, out);
        return out.toString();
    }

    private final class Exec {
        private final QueryFunction query;
        private final Map<String, Object> vars;
        private int includeDepth;

        Exec(QueryFunction query, Map<String, Object> vars) {
            this.query = query;
            this.vars = vars;
        }

        void run(List<Node> list, Object dot, StringBuilder out) {
            for (Node n : list) {
                switch (n) {
                    case Node.Text t -> out.append(t.text());
                    case Node.Action a -> {
                        Object v = pipeline(a.pipeline(), dot);
                        if (a.pipeline().declaredVariable() == null) {
                            out.append(v == null ? "" : GoFormat.toText(v));
                        }
                    }
                    case Node.Control c -> control(c, dot, out);
                    case Node.Include inc -> include(inc, dot, out);
                }
            }
        }

        private void include(Node.Include inc, Object dot, StringBuilder out) {
            List<Node> body = defines.get(inc.name());
            if (body == null) {
                throw new TemplateException("template: " + name + ": no such template \"" + inc.name() + "\"");
            }
            if (includeDepth >= MAX_INCLUDE_DEPTH) {
                throw new TemplateException("template: " + name + ": exceeded maximum template depth ("
                        + MAX_INCLUDE_DEPTH + ") calling \"" + inc.name() + "\"");
            }
            Object data = inc.pipeline() == null ? null : pipeline(inc.pipeline(), dot);
            Object saved = vars.get("");
            vars.put("", data);
            includeDepth++;
            try {
                run(body, data, out);
            } finally {
                includeDepth--;
                vars.put("", saved);
            }
        }

        private void control(Node.Control c, Object dot, StringBuilder out) {
            Object v = pipeline(c.pipeline(), dot);
            switch (c.keyword()) {
                case "if" -> run(isTrue(v) ? c.body() : c.elseBody(), dot, out);
                case "with" -> run(isTrue(v) ? c.body() : c.elseBody(), isTrue(v) ? v : dot, out);
                case "range" -> {
                    List<?> keys;
                    List<?> items;
                    if (v instanceof Map<?, ?> m) {
                        java.util.TreeMap<?, ?> sorted = new java.util.TreeMap<>(m); // Go ranges over sorted keys
                        keys = new ArrayList<>(sorted.keySet());
                        items = new ArrayList<>(sorted.values());
                    } else {
                        items = v instanceof List<?> l ? l : List.of();
                        keys = null;
                    }
                    if (items.isEmpty()) {
                        run(c.elseBody(), dot, out);
                    }
                    if (items.size() > MAX_RANGE_ITEMS) {
                        throw new TemplateException("template: " + name + ": range over " + items.size()
                                + " items exceeds the limit of " + MAX_RANGE_ITEMS);
                    }
                    String valueVar = c.pipeline().declaredVariable();
                    String keyVar = c.pipeline().keyVariable();
                    for (int i = 0; i < items.size(); i++) {
                        if (valueVar != null) {
                            vars.put(valueVar, items.get(i));
                        }
                        if (keyVar != null) {
                            vars.put(keyVar, keys == null ? (Object) (double) i : keys.get(i));
                        }
                        run(c.body(), items.get(i), out);
                    }
                }
                default -> throw new IllegalStateException("BUG: control " + c.keyword());
            }
        }

        private Object pipeline(Node.Pipeline p, Object dot) {
            Object value = null;
            boolean first = true;
            for (Node.Command cmd : p.commands()) {
                value = command(cmd, dot, first ? null : new Object[]{value});
                first = false;
            }
            if (p.declaredVariable() != null) {
                vars.put(p.declaredVariable(), value);
            }
            return value;
        }

        private Object command(Node.Command cmd, Object dot, Object[] piped) {
            List<Node.Operand> ops = cmd.operands();
            if (ops.getFirst() instanceof Node.Function f) {
                List<Object> args = new ArrayList<>();
                for (int i = 1; i < ops.size(); i++) {
                    args.add(operand(ops.get(i), dot));
                }
                if (piped != null) {
                    args.add(piped[0]);
                }
                try {
                    return TemplateFunctions.call(f.name(), args, query);
                } catch (TemplateException e) {
                    throw new TemplateException("template: " + name + ": " + e.getMessage(), e);
                } catch (RuntimeException e) {
                    throw new TemplateException("template: " + name + ": error calling " + f.name() + ": " + e.getMessage(), e);
                }
            }
            if (ops.size() > 1 || piped != null) {
                // a method call with arguments, such as .CommonLabels.Remove .GroupLabels.Names
                List<Object> args = new ArrayList<>();
                for (int i = 1; i < ops.size(); i++) {
                    args.add(operand(ops.get(i), dot));
                }
                if (piped != null) {
                    args.add(piped[0]);
                }
                switch (ops.getFirst()) {
                    case Node.Field f when !f.path().isEmpty() -> {
                        return walk(dot, f.path(), args);
                    }
                    case Node.Variable v when !v.path().isEmpty() && vars.containsKey(v.name()) -> {
                        return walk(vars.get(v.name()), v.path(), args);
                    }
                    case Node.Chain c -> {
                        return walk(pipeline(c.base().pipeline(), dot), c.path(), args);
                    }
                    default -> throw new TemplateException("template: " + name + ": can't give argument to non-function "
                            + ops.getFirst());
                }
            }
            return operand(ops.getFirst(), dot);
        }

        private Object operand(Node.Operand op, Object dot) {
            return switch (op) {
                case Node.Literal l -> l.value();
                case Node.Field f -> walk(dot, f.path(), List.of());
                case Node.Variable v -> {
                    if (!vars.containsKey(v.name())) {
                        throw new TemplateException("template: " + name + ": undefined variable: $" + v.name());
                    }
                    yield walk(vars.get(v.name()), v.path(), List.of());
                }
                case Node.Nested n -> pipeline(n.pipeline(), dot);
                case Node.Chain c -> walk(pipeline(c.base().pipeline(), dot), c.path(), List.of());
                case Node.Function f -> TemplateFunctions.call(f.name(), List.of(), query);
            };
        }

        /** Follows {@code path}; {@code lastArgs} go to the last element when it is a method. */
        private Object walk(Object base, List<String> path, List<Object> lastArgs) {
            Object cur = base;
            for (int i = 0; i < path.size(); i++) {
                String key = path.get(i);
                if (cur instanceof GoValue g) {
                    Object r = g.get(key, i == path.size() - 1 ? lastArgs : List.of());
                    if (r != GoValue.ABSENT) {
                        cur = r;
                        continue;
                    }
                    if (!(cur instanceof Map<?, ?>)) {
                        throw new TemplateException("template: " + name + ": can't evaluate field " + key
                                + " in " + cur.getClass().getSimpleName());
                    }
                }
                if (i == path.size() - 1 && !lastArgs.isEmpty()) {
                    throw new TemplateException("template: " + name + ": " + key + " is not a method but has arguments");
                }
                cur = switch (cur) {
                    case Map<?, ?> m -> m.containsKey(key) ? m.get(key) : "";
                    case Sample s when key.equals("Labels") -> s.labels();
                    case Sample s when key.equals("Value") -> s.value();
                    case null -> null;
                    default -> throw new TemplateException("template: " + name + ": can't evaluate field " + key
                            + " in " + GoFormat.toText(cur));
                };
            }
            return cur;
        }
    }

    static boolean isTrue(Object v) {
        return switch (v) {
            case null -> false;
            case Boolean b -> b;
            case Double d -> d != 0;
            case String s -> !s.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            case List<?> l -> !l.isEmpty();
            default -> true;
        };
    }
}
