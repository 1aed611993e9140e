package io.sightline.alerting.template;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The functions Prometheus offers in rule templates and Alertmanager in notification templates, plus Go's builtins
 * that such files use.
 */
final class TemplateFunctions {
    static final Set<String> NAMES = Set.of("printf", "humanize", "humanize1024", "humanizeDuration",
            "humanizePercentage", "humanizeTimestamp", "query", "first", "value", "label", "title", "toUpper",
            "toLower", "match", "reReplaceAll", "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not", "len",
            "index", "print", "strvalue", "safeHtml", "stripPort", "stripDomain", "sortByLabel", "join", "trimSpace",
            "stringSlice", "println", "safeUrl", "urlUnescape", "urlquery", "html", "js", "toJson", "date", "tz",
            "since");

    private TemplateFunctions() {
    }

    static Object call(String fn, List<Object> a, Template.QueryFunction query) {
        return switch (fn) {
            case "printf" -> GoFormat.sprintf(str(arg(a, 0, fn)), a.subList(1, a.size()));
            case "print" -> a.stream().map(GoFormat::toText).reduce("", String::concat);
            case "humanize" -> GoFormat.humanize(num(fn, one(a, fn)));
            case "humanize1024" -> GoFormat.humanize1024(num(fn, one(a, fn)));
            case "humanizeDuration" -> GoFormat.humanizeDuration(num(fn, one(a, fn)));
            case "humanizePercentage" -> GoFormat.humanizePercentage(num(fn, one(a, fn)));
            case "humanizeTimestamp" -> {
                double v = num(fn, one(a, fn));
                yield Double.isNaN(v) || Double.isInfinite(v) ? GoFormat.formatG(v, 4)
                        : Instant.ofEpochMilli(Math.round(v * 1000)).toString().replace("T", " ").replace("Z", " +0000 UTC");
            }
            case "query" -> {
                if (query == null) {
                    throw new TemplateException("query is not available here");
                }
                yield new ArrayList<Object>(query.query(str(one(a, fn))));
            }
            case "first" -> {
                Object v = one(a, fn);
                if (!(v instanceof List<?> l) || l.isEmpty()) {
                    throw new TemplateException("first() called on vector with no elements");
                }
                yield l.getFirst();
            }
            case "value" -> ((Template.Sample) one(a, fn)).value();
            case "label" -> {
                Template.Sample s = (Template.Sample) arg(a, 1, fn);
                yield s.labels().getOrDefault(str(arg(a, 0, fn)), "");
            }
            case "strvalue" -> ((Template.Sample) one(a, fn)).labels().getOrDefault("__value__", "");
            case "sortByLabel" -> {
                String l = str(arg(a, 0, fn));
                List<Template.Sample> list = new ArrayList<>();
                for (Object o : (List<?>) arg(a, 1, fn)) {
                    list.add((Template.Sample) o);
                }
                list.sort((x, y) -> x.labels().getOrDefault(l, "").compareTo(y.labels().getOrDefault(l, "")));
                yield new ArrayList<Object>(list);
            }
            case "title" -> {
                StringBuilder sb = new StringBuilder();
                boolean start = true;
                for (char c : str(one(a, fn)).toCharArray()) {
                    sb.append(start ? Character.toUpperCase(c) : c);
                    start = !Character.isLetterOrDigit(c);
                }
                yield sb.toString();
            }
            case "toUpper" -> str(one(a, fn)).toUpperCase(Locale.ROOT);
            case "toLower" -> str(one(a, fn)).toLowerCase(Locale.ROOT);
            case "safeHtml" -> str(one(a, fn));
            case "stripPort" -> {
                String s = str(one(a, fn));
                int i = s.lastIndexOf(':');
                yield i > 0 && s.indexOf(']') < i ? s.substring(0, i).replace("[", "").replace("]", "") : s;
            }
            case "stripDomain" -> {
                String s = str(one(a, fn));
                int i = s.indexOf('.');
                yield i > 0 ? s.substring(0, i) : s;
            }
            case "match" -> Pattern.compile(str(arg(a, 0, fn))).matcher(str(arg(a, 1, fn))).find();
            case "reReplaceAll" -> Pattern.compile(str(arg(a, 0, fn))).matcher(str(arg(a, 2, fn)))
                    .replaceAll(str(arg(a, 1, fn)).replaceAll("\\$\\{?(\\d+)}?", "\\$$1"));
            case "eq" -> {
                for (int i = 1; i < a.size(); i++) {
                    if (equal(a.get(0), a.get(i))) {
                        yield true;
                    }
                }
                yield false;
            }
            case "ne" -> !equal(arg(a, 0, fn), arg(a, 1, fn));
            case "lt" -> compare(fn, a) < 0;
            case "le" -> compare(fn, a) <= 0;
            case "gt" -> compare(fn, a) > 0;
            case "ge" -> compare(fn, a) >= 0;
            case "and" -> {
                Object last = null;
                for (Object o : a) {
                    last = o;
                    if (!Template.isTrue(o)) {
                        yield o;
                    }
                }
                yield last;
            }
            case "or" -> {
                Object last = null;
                for (Object o : a) {
                    last = o;
                    if (Template.isTrue(o)) {
                        yield o;
                    }
                }
                yield last;
            }
            case "not" -> !Template.isTrue(one(a, fn));
            case "join" -> {
                // Alertmanager's join(sep, list): piped as {{ .Values | join "," }}
                Object list = arg(a, 1, fn);
                if (!(list instanceof List<?> l)) {
                    throw new TemplateException("join: expected a list, got " + GoFormat.toText(list));
                }
                yield String.join(str(arg(a, 0, fn)), l.stream().map(TemplateFunctions::str).toList());
            }
            case "trimSpace" -> str(one(a, fn)).strip();
            case "stringSlice" -> List.copyOf(a.stream().map(TemplateFunctions::str).toList());
            case "println" -> String.join(" ", a.stream().map(GoFormat::toText).toList()) + "\n";
            case "safeUrl", "js" -> str(one(a, fn));
            case "urlUnescape" -> java.net.URLDecoder.decode(str(one(a, fn)), java.nio.charset.StandardCharsets.UTF_8);
            case "urlquery" -> java.net.URLEncoder.encode(a.stream().map(TemplateFunctions::str).reduce("", String::concat),
                    java.nio.charset.StandardCharsets.UTF_8);
            case "html" -> str(one(a, fn)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    .replace("\"", "&#34;").replace("'", "&#39;");
            case "toJson" -> TemplateJson.write(one(a, fn));
            case "date" -> time(fn, arg(a, 1, fn)).format(str(arg(a, 0, fn)));
            case "tz" -> {
                GoTime t = time(fn, arg(a, 1, fn));
                try {
                    yield new GoTime(t.epochMillis(), java.time.ZoneId.of(str(arg(a, 0, fn))));
                } catch (java.time.DateTimeException e) {
                    throw new TemplateException("tz: unknown time zone " + str(arg(a, 0, fn)));
                }
            }
            case "since" -> (System.currentTimeMillis() - time(fn, one(a, fn)).epochMillis()) / 1000.0;
            case "len" -> {
                Object v = one(a, fn);
                yield (double) (v instanceof List<?> l ? l.size() : v instanceof Map<?, ?> m ? m.size() : str(v).length());
            }
            case "index" -> {
                Object v = arg(a, 0, fn);
                Object k = arg(a, 1, fn);
                if (v instanceof Map<?, ?> m) {
                    yield m.containsKey(k) ? m.get(k) : "";
                }
                if (v instanceof List<?> l && k instanceof Double d) {
                    yield l.get(d.intValue());
                }
                throw new TemplateException("can't index " + GoFormat.toText(v) + " with " + GoFormat.toText(k));
            }
            default -> throw new IllegalStateException("BUG: function " + fn + " listed but not implemented");
        };
    }

    private static GoTime time(String fn, Object o) {
        if (o instanceof GoTime t) {
            return t;
        }
        throw new TemplateException(fn + ": expected a time, got " + GoFormat.toText(o));
    }

    private static Object one(List<Object> a, String fn) {
        if (a.size() != 1) {
            throw new TemplateException("wrong number of args for " + fn + ": want 1 got " + a.size());
        }
        return a.getFirst();
    }

    private static Object arg(List<Object> a, int i, String fn) {
        if (i >= a.size()) {
            throw new TemplateException("wrong number of args for " + fn + ": want at least " + (i + 1) + " got " + a.size());
        }
        return a.get(i);
    }

    private static String str(Object o) {
        return o instanceof String s ? s : GoFormat.toText(o);
    }

    private static double num(String fn, Object o) {
        Double d = GoFormat.toNumber(o);
        if (d == null) {
            throw new TemplateException(fn + ": can't convert " + GoFormat.toText(o) + " to a number");
        }
        return d;
    }

    private static boolean equal(Object x, Object y) {
        if (x instanceof Number a && y instanceof Number b) {
            return a.doubleValue() == b.doubleValue();
        }
        return Objects.equals(x, y);
    }

    private static int compare(String fn, List<Object> a) {
        Object x = arg(a, 0, fn);
        Object y = arg(a, 1, fn);
        if (x instanceof Number p && y instanceof Number q) {
            return Double.compare(p.doubleValue(), q.doubleValue());
        }
        if (x instanceof String p && y instanceof String q) {
            return p.compareTo(q);
        }
        throw new TemplateException("incompatible types for comparison: " + GoFormat.toText(x) + ", " + GoFormat.toText(y));
    }

}
