package io.sightline.query.logql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A compiled log pipeline: each step changes the {@link LogLine} or drops it. Built once per query and
 * shared by nothing else; not thread-safe because steps reuse scratch state.
 */
final class Pipeline {
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[a-zA-Z]");

    interface Step {
        /** @return false to drop the line */
        boolean apply(LogLine l);
    }

    private final List<Step> steps;
    private final Stage.Unwrap unwrap;
    /** Substrings every kept line contains, for the store's page skipping. */
    private final List<String> mustContain;

    private Pipeline(List<Step> steps, Stage.Unwrap unwrap, List<String> mustContain) {
        this.steps = steps;
        this.unwrap = unwrap;
        this.mustContain = mustContain;
    }

    static Pipeline compile(List<Stage> stages) {
        List<Step> steps = new ArrayList<>();
        List<String> must = new ArrayList<>();
        boolean lineChanged = false;
        Stage.Unwrap unwrap = null;
        for (Stage s : stages) {
            switch (s) {
                case Stage.LineFilter f -> {
                    steps.add(lineFilter(f));
                    if (!lineChanged && f.op().equals("|=") && f.values().size() == 1 && !f.values().getFirst().isEmpty()) {
                        must.add(f.values().getFirst());
                    }
                }
                case Stage.Json j -> {
                    JsonStage js = new JsonStage(j.params());
                    steps.add(l -> {
                        js.apply(l);
                        return true;
                    });
                }
                case Stage.Logfmt ignored -> {
                    LogfmtStage lf = new LogfmtStage();
                    steps.add(l -> {
                        lf.apply(l);
                        return true;
                    });
                }
                case Stage.Regexp r -> {
                    RegexpStage rs = new RegexpStage(r.pattern());
                    steps.add(l -> {
                        rs.apply(l);
                        return true;
                    });
                }
                case Stage.Pattern p -> {
                    PatternStage ps = PatternStage.compile(p.pattern());
                    steps.add(l -> {
                        ps.apply(l);
                        return true;
                    });
                }
                case Stage.LabelFilter f -> {
                    LabelFilterStep step = new LabelFilterStep(f.filter());
                    steps.add(step::apply);
                }
                case Stage.LineFormat lf -> {
                    Template t = Template.parse(lf.template());
                    lineChanged = true;
                    steps.add(l -> {
                        l.line(execute(t, l));
                        return true;
                    });
                }
                case Stage.LabelFormat lf -> steps.add(labelFormat(lf));
                case Stage.DropKeep dk -> steps.add(dropKeep(dk));
                case Stage.Unwrap u -> {
                    unwrap = u;
                    steps.add(l -> {
                        String v = l.label(u.label());
                        if (v == null) {
                            l.error("SampleExtractionErr", "label " + u.label() + " not found");
                            return true;
                        }
                        try {
                            l.unwrapped(convert(v.strip(), u.conversion()));
                        } catch (NumberFormatException e) {
                            l.error("SampleExtractionErr", "cannot convert \"" + v + "\" of label " + u.label());
                        }
                        return true;
                    });
                }
                case Stage.Decolorize ignored -> {
                    lineChanged = true;
                    steps.add(l -> {
                        l.line(ANSI.matcher(l.line()).replaceAll(""));
                        return true;
                    });
                }
            }
        }
        return new Pipeline(List.copyOf(steps), unwrap, List.copyOf(must));
    }

    private static Step dropKeep(Stage.DropKeep dk) {
        List<java.util.function.BiPredicate<String, String>> tests = new ArrayList<>();
        for (Stage.LabelMatch m : dk.labels()) {
            String name = m.name();
            java.util.function.Predicate<String> value = switch (m.op()) {
                case "" -> v -> true;
                case "=" -> m.value()::equals;
                case "!=" -> v -> !v.equals(m.value());
                case "=~" -> Pattern.compile(m.value()).asMatchPredicate();
                default -> Pattern.compile(m.value()).asMatchPredicate().negate();
            };
            tests.add((k, v) -> k.equals(name) && value.test(v));
        }
        return l -> {
            // drop: remove what a test names; keep: remove what no test names.
            l.labels().entrySet().removeIf(e -> {
                boolean named = false;
                for (var t : tests) {
                    if (t.test(e.getKey(), e.getValue())) {
                        named = true;
                        break;
                    }
                }
                return dk.keep() != named;
            });
            return true;
        };
    }

    private static String execute(Template t, LogLine l) {
        try {
            return t.execute(l);
        } catch (RuntimeException e) {
            l.error("TemplateFormatErr", String.valueOf(e.getMessage()));
            return l.line();
        }
    }

    static double convert(String v, String conversion) {
        return switch (conversion) {
            case "duration", "duration_seconds" -> Units.durationNanos(v) / 1e9;
            case "bytes" -> Units.bytes(v);
            default -> Double.parseDouble(v);
        };
    }

    private static Step lineFilter(Stage.LineFilter f) {
        List<String> values = f.values();
        return switch (f.op()) {
            case "|=" -> l -> containsAny(l.line(), values);
            case "!=" -> l -> !containsAny(l.line(), values);
            case "|~" -> {
                List<Pattern> ps = values.stream().map(Pattern::compile).toList();
                yield l -> findsAny(l.line(), ps);
            }
            default -> {
                List<Pattern> ps = values.stream().map(Pattern::compile).toList();
                yield l -> !findsAny(l.line(), ps);
            }
        };
    }

    private static boolean containsAny(String line, List<String> values) {
        for (String v : values) {
            if (line.contains(v)) {
                return true;
            }
        }
        return false;
    }

    private static boolean findsAny(String line, List<Pattern> ps) {
        for (Pattern p : ps) {
            if (p.matcher(line).find()) {
                return true;
            }
        }
        return false;
    }

    private static Step labelFormat(Stage.LabelFormat lf) {
        List<Stage.Assignment> as = lf.assignments();
        List<Template> templates = as.stream().map(a -> a.isTemplate() ? Template.parse(a.source()) : null).toList();
        return l -> {
            // Every template sees the labels as they were before this stage.
            String[] results = new String[as.size()];
            for (int i = 0; i < as.size(); i++) {
                Stage.Assignment a = as.get(i);
                if (a.isTemplate()) {
                    results[i] = execute(templates.get(i), l);
                } else {
                    String v = l.label(a.source());
                    results[i] = v == null ? "" : v;
                }
            }
            for (int i = 0; i < as.size(); i++) {
                Stage.Assignment a = as.get(i);
                if (!a.isTemplate() && !a.source().equals(a.target())) {
                    l.remove(a.source());
                }
                l.set(a.target(), results[i]);
            }
            return true;
        };
    }

    /** Runs every step; false when a step dropped the line. */
    boolean process(LogLine l) {
        for (Step s : steps) {
            if (!s.apply(l)) {
                return false;
            }
        }
        return true;
    }

    List<String> mustContain() {
        return mustContain;
    }

    Stage.Unwrap unwrap() {
        return unwrap;
    }

    /** Label filters: string, numeric, duration and byte comparisons with and/or. */
    static final class LabelFilterStep {
        private final Stage.Filter filter;
        private final Map<Stage.Comparison, Pattern> regexes = new java.util.HashMap<>();

        LabelFilterStep(Stage.Filter filter) {
            this.filter = filter;
        }

        boolean apply(LogLine l) {
            return eval(filter, l);
        }

        private boolean eval(Stage.Filter f, LogLine l) {
            return switch (f) {
                case Stage.And a -> eval(a.left(), l) && eval(a.right(), l);
                case Stage.Or o -> eval(o.left(), l) || eval(o.right(), l);
                case Stage.Comparison c -> compare(c, l);
            };
        }

        private boolean compare(Stage.Comparison c, LogLine l) {
            String actual = l.label(c.name());
            if (actual == null) {
                actual = "";
            }
            if (c.kind() == Token.Kind.STRING) {
                return switch (c.op()) {
                    case "=", "==" -> actual.equals(c.value());
                    case "!=" -> !actual.equals(c.value());
                    case "=~" -> regex(c).matcher(actual).matches();
                    default -> !regex(c).matcher(actual).matches();
                };
            }
            double want;
            double got;
            try {
                String conversion = c.kind() == Token.Kind.DURATION ? "duration" : c.kind() == Token.Kind.BYTES ? "bytes" : "";
                want = convert(c.value(), conversion);
                got = convert(actual.strip(), conversion);
            } catch (NumberFormatException e) {
                // Loki keeps the line and marks it, so a typo does not silently hide data.
                l.error("LabelFilterErr", "cannot compare label " + c.name() + "=\"" + actual + "\" with " + c.value());
                return true;
            }
            return switch (c.op()) {
                case ">" -> got > want;
                case ">=" -> got >= want;
                case "<" -> got < want;
                case "<=" -> got <= want;
                case "!=" -> got != want;
                default -> got == want;
            };
        }

        private Pattern regex(Stage.Comparison c) {
            return regexes.computeIfAbsent(c, k -> Pattern.compile(k.value()));
        }
    }
}
