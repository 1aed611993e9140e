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

    private final String name;
    private final List<Node> nodes;

    private Template(String name, List<Node> nodes) {
        this.name = name;
        this.nodes = nodes;
    }

    /** @throws TemplateException naming {@code name} when the text does not parse or calls an unknown function */
    public static Template parse(String name, String text) {
        return new Template(name, new TemplateParser(name, text, TemplateFunctions.NAMES).parse());
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

    private final class Exec {
        private final QueryFunction query;
        private final Map<String, Object> vars;

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
                }
            }
        }

        private void control(Node.Control c, Object dot, StringBuilder out) {
            Object v = pipeline(c.pipeline(), dot);
            switch (c.keyword()) {
                case "if" -> run(isTrue(v) ? c.body() : c.elseBody(), dot, out);
                case "with" -> run(isTrue(v) ? c.body() : c.elseBody(), isTrue(v) ? v : dot, out);
                case "range" -> {
                    List<?> items = v instanceof List<?> l ? l
                            : v instanceof Map<?, ?> m ? new ArrayList<>(new java.util.TreeMap<>(m).values()) : List.of();
                    if (items.isEmpty()) {
                        run(c.elseBody(), dot, out);
                    }
                    if (items.size() > MAX_RANGE_ITEMS) {
                        throw new TemplateException("template: " + name + ": range over " + items.size()
                                + " items exceeds the limit of " + MAX_RANGE_ITEMS);
                    }
                    for (Object item : items) {
                        run(c.body(), item, out);
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
                throw new TemplateException("template: " + name + ": can't give argument to non-function " + ops.getFirst());
            }
            return operand(ops.getFirst(), dot);
        }

        private Object operand(Node.Operand op, Object dot) {
            return switch (op) {
                case Node.Literal l -> l.value();
                case Node.Field f -> walk(dot, f.path());
                case Node.Variable v -> {
                    if (!vars.containsKey(v.name())) {
                        throw new TemplateException("template: " + name + ": undefined variable: $" + v.name());
                    }
                    yield walk(vars.get(v.name()), v.path());
                }
                case Node.Nested n -> pipeline(n.pipeline(), dot);
                case Node.Function f -> TemplateFunctions.call(f.name(), List.of(), query);
            };
        }

        private Object walk(Object base, List<String> path) {
            Object cur = base;
            for (String key : path) {
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
