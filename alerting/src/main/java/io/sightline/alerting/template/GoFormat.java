package io.sightline.alerting.template;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Go's number formatting as Prometheus templates print it: {@code %v} and {@code %g} of a float64,
 * {@code printf}, and Prometheus's {@code humanize*} functions. Thread-safe (stateless).
 */
public final class GoFormat {
    private static final String[] BIG = {"k", "M", "G", "T", "P", "E", "Z", "Y"};
    private static final String[] SMALL = {"m", "u", "n", "p", "f", "a", "z", "y"};

    private GoFormat() {
    }

    /** Go's {@code %v} of a float64: shortest representation, exponent form below 1e-4 or from 1e21. */
    public static String formatFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
        }
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        return layout(d, 21);
    }

    /** Go's {@code %.<prec>g}; a negative precision means shortest. */
    public static String formatG(double v, int prec) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return formatFloat(v);
        }
        if (v == 0) {
            return "0";
        }
        if (prec < 0) {
            return layout(new BigDecimal(Double.toString(v)).stripTrailingZeros(), 21);
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(Math.max(prec, 1), RoundingMode.HALF_EVEN)).stripTrailingZeros();
        return layout(d, Math.max(prec, 1));
    }

    /** Go's {@code strconv.FormatFloat(v, 'e', -1, 64)}: shortest digits, always in exponent form. */
    public static String formatE(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return formatFloat(v);
        }
        if (v == 0) {
            return "0e+00";
        }
        return layout(new BigDecimal(Double.toString(v)).stripTrailingZeros(), Integer.MIN_VALUE);
    }

    private static String layout(BigDecimal d, int expLimit) {
        int exp = d.precision() - d.scale() - 1;
        if (exp < -4 || exp >= expLimit) {
            String digits = d.unscaledValue().abs().toString();
            StringBuilder sb = new StringBuilder();
            if (d.signum() < 0) {
                sb.append('-');
            }
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) {
                sb.append('0');
            }
            return sb.append(a).toString();
        }
        return d.toPlainString();
    }

    /** Prometheus's {@code humanize}: SI prefixes, 4 significant digits. */
    public static String humanize(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return formatG(v, 4);
        }
        String prefix = "";
        if (Math.abs(v) >= 1) {
            for (String p : BIG) {
                if (Math.abs(v) < 1000) {
                    break;
                }
                prefix = p;
                v /= 1000;
            }
        } else {
            for (String p : SMALL) {
                if (Math.abs(v) >= 1) {
                    break;
                }
                prefix = p;
                v *= 1000;
            }
        }
        return formatG(v, 4) + prefix;
    }

    /** Prometheus's {@code humanize1024}: binary prefixes. */
    public static String humanize1024(double v) {
        if (Math.abs(v) <= 1 || Double.isNaN(v) || Double.isInfinite(v)) {
            return formatG(v, 4);
        }
        String prefix = "";
        for (String p : new String[]{"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"}) {
            if (Math.abs(v) < 1024) {
                break;
            }
            prefix = p;
            v /= 1024;
        }
        return formatG(v, 4) + prefix;
    }

    /** Prometheus's {@code humanizeDuration} of seconds: {@code 1d 2h 3m 4s}, or {@code 1.5s}, {@code 250ms}. */
    public static String humanizeDuration(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return formatG(v, 4);
        }
        if (v == 0) {
            return "0s";
        }
        if (Math.abs(v) >= 1) {
            String sign = v < 0 ? "-" : "";
            double a = Math.abs(v);
            long secs = (long) a;
            long seconds = secs % 60;
            long minutes = (secs / 60) % 60;
            long hours = (secs / 3600) % 24;
            long days = secs / 86400;
            if (days != 0) {
                return sign + days + "d " + hours + "h " + minutes + "m " + seconds + "s";
            }
            if (hours != 0) {
                return sign + hours + "h " + minutes + "m " + seconds + "s";
            }
            if (minutes != 0) {
                return sign + minutes + "m " + seconds + "s";
            }
            return sign + formatG(a, 4) + "s";
        }
        String prefix = "";
        for (String p : SMALL) {
            if (Math.abs(v) >= 1) {
                break;
            }
            prefix = p;
            v *= 1000;
        }
        return formatG(v, 4) + prefix + "s";
    }

    /** Prometheus's {@code humanizePercentage}: a ratio as percent, 4 significant digits. */
    public static String humanizePercentage(double v) {
        return formatG(v * 100, 4) + "%";
    }

    /** Go's {@code fmt.Sprintf} for the verbs templates use: %v %s %d %f %e %g %q %x %%, with flags, width and precision. */
    public static String sprintf(String format, List<Object> args) {
        StringBuilder out = new StringBuilder();
        int argi = 0;
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            int start = i++;
            while (i < format.length() && "+-# 0".indexOf(format.charAt(i)) >= 0) {
                i++;
            }
            while (i < format.length() && (Character.isDigit(format.charAt(i)) || format.charAt(i) == '.')) {
                i++;
            }
            if (i >= format.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            char verb = format.charAt(i);
            String spec = format.substring(start + 1, i);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (argi >= args.size()) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            out.append(one(spec, verb, args.get(argi++)));
        }
        if (argi < args.size()) {
            List<String> extra = new ArrayList<>();
            for (int k = argi; k < args.size(); k++) {
                extra.add(toText(args.get(k)));
            }
            out.append("%!(EXTRA ").append(String.join(", ", extra)).append(')');
        }
        return out.toString();
    }

    private static String one(String spec, char verb, Object arg) {
        switch (verb) {
            case 'v', 's' -> {
                return String.format(Locale.ROOT, "%" + spec.replace("#", "") + "s", toText(arg));
            }
            case 'q' -> {
                return '"' + toText(arg).replace("\\", "\\\\").replace("\"", "\\\"") + '"';
            }
            case 'd' -> {
                if (arg instanceof Number n) {
                    return String.format(Locale.ROOT, "%" + spec + "d", (long) n.doubleValue());
                }
                return "%!d(" + toText(arg) + ")";
            }
            case 'f', 'F', 'e', 'E', 'x', 'X', 'g', 'G' -> {
                Double d = toNumber(arg);
                if (d == null) {
                    return "%!" + verb + "(" + toText(arg) + ")";
                }
                if (verb == 'g' || verb == 'G') {
                    int dot = spec.indexOf('.');
                    int prec = dot < 0 ? -1 : Integer.parseInt(spec.substring(dot + 1).isEmpty() ? "0" : spec.substring(dot + 1));
                    return formatG(d, prec);
                }
                if (verb == 'x' || verb == 'X') {
                    return String.format(Locale.ROOT, "%" + spec + verb, d.longValue());
                }
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    return formatFloat(d);
                }
                return String.format(Locale.ROOT, "%" + spec + (verb == 'F' ? 'f' : verb), d);
            }
            default -> {
                return "%!" + verb + "(" + toText(arg) + ")";
            }
        }
    }

    /** A number from a number, a numeric string or a boolean; null otherwise. */
    static Double toNumber(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        if (o instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** How Go's template prints a value ({@code %v}). */
    public static String toText(Object o) {
        if (o == null) {
            return "<no value>";
        }
        if (o instanceof Double d) {
            return formatFloat(d);
        }
        if (o instanceof GoTime t) {
            return t.toString();
        }
        if (o instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("map[");
            boolean first = true;
            for (Map.Entry<?, ?> e : new java.util.TreeMap<>(m).entrySet()) {
                if (!first) {
                    sb.append(' ');
                }
                first = false;
                sb.append(e.getKey()).append(':').append(toText(e.getValue()));
            }
            return sb.append(']').toString();
        }
        if (o instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object x : l) {
                parts.add(toText(x));
            }
            return "[" + String.join(" ", parts) + "]";
        }
        return o.toString();
    }
}
