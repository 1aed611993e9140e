package io.sightline.ingest.otlp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OTLP metric name + unit + kind to a Prometheus metric family name, following the default
 * {@code UnderscoreEscapingWithSuffixes} rules of ../shared/reference/otlp-to-prometheus.md §1:
 * split on characters outside {@code [a-zA-Z0-9:]} and on {@code _} and join the pieces with single
 * {@code _}; append the unit word (and {@code per_<unit>}) unless a piece already is that word; counters
 * drop every {@code total} piece and end in {@code _total}; gauges with unit {@code 1} end in
 * {@code _ratio}; a leading digit gets a {@code _} prefix.
 *
 * <p>Names repeat in every request, so results are cached (bounded; cleared when full, since a working
 * set larger than the bound means the cache does not pay anyway). Thread-safe.
 */
public final class MetricNamer {
    private static final int MAX_CACHED = 16_384;

    private static final Map<String, String> UNIT_WORDS = Map.ofEntries(
            Map.entry("d", "days"), Map.entry("h", "hours"), Map.entry("min", "minutes"), Map.entry("s", "seconds"),
            Map.entry("ms", "milliseconds"), Map.entry("us", "microseconds"), Map.entry("ns", "nanoseconds"),
            Map.entry("By", "bytes"), Map.entry("KiBy", "kibibytes"), Map.entry("MiBy", "mebibytes"),
            Map.entry("GiBy", "gibibytes"), Map.entry("TiBy", "tebibytes"), Map.entry("KBy", "kilobytes"),
            Map.entry("kBy", "kilobytes"), Map.entry("MBy", "megabytes"), Map.entry("GBy", "gigabytes"),
            Map.entry("TBy", "terabytes"), Map.entry("m", "meters"), Map.entry("V", "volts"),
            Map.entry("A", "amperes"), Map.entry("J", "joules"), Map.entry("W", "watts"), Map.entry("g", "grams"),
            Map.entry("Cel", "celsius"), Map.entry("Hz", "hertz"), Map.entry("%", "percent"), Map.entry("1", ""));

    private static final Map<String, String> PER_UNIT_WORDS = Map.of(
            "s", "second", "m", "minute", "h", "hour", "d", "day", "w", "week", "mo", "month", "y", "year");

    private final Map<Key, FamilyNames> cache = new ConcurrentHashMap<>();

    private record Key(String name, String unit, MetricKind kind) {
    }

    /**
     * The names of a metric family and of its derived series.
     *
     * @param family the family name, empty when nothing valid is left of the OTLP name
     * @param bucket {@code <family>_bucket}
     * @param sum    {@code <family>_sum}
     * @param count  {@code <family>_count}
     * @param unit   the UNIT metadata
     */
    public record FamilyNames(String family, String bucket, String sum, String count, String unit) {
    }

    /** The family name, or the empty string when nothing valid is left of {@code name}. */
    public String familyName(String name, String unit, MetricKind kind) {
        return names(name, unit, kind).family();
    }

    /** The family and derived series names; cached. */
    public FamilyNames names(String name, String unit, MetricKind kind) {
        Key key = new Key(name, unit, kind);
        FamilyNames cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        String family = build(name, unit, kind);
        FamilyNames built = new FamilyNames(family, family + "_bucket", family + "_sum", family + "_count",
                unitWord(unit));
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(key, built);
        return built;
    }

    /** The unit as Prometheus UNIT metadata: {@code seconds}, {@code meters_per_second}, or empty. */
    public static String unitWord(String unit) {
        String[] parts = splitUnit(unit);
        String main = mainWord(parts[0]);
        String per = perWord(parts[1]);
        if (per.isEmpty()) {
            return main;
        }
        return main.isEmpty() ? "per_" + per : main + "_per_" + per;
    }

    static String build(String name, String unit, MetricKind kind) {
        List<String> tokens = tokens(name);
        String[] parts = splitUnit(unit);
        String main = mainWord(parts[0]);
        if (!main.isEmpty() && !tokens.contains(main)) {
            tokens.add(main);
        }
        String per = perWord(parts[1]);
        if (!per.isEmpty() && !(tokens.contains("per") && tokens.contains(per))) {
            tokens.add("per");
            tokens.add(per);
        }
        if (kind == MetricKind.COUNTER) {
            tokens.removeIf("total"::equals);
            tokens.add("total");
        }
        if (kind == MetricKind.GAUGE && "1".equals(unit.strip()) && !tokens.contains("ratio")) {
            tokens.add("ratio");
        }
        String joined = String.join("_", tokens);
        if (!joined.isEmpty() && Character.isDigit(joined.charAt(0))) {
            return "_" + joined;
        }
        return joined;
    }

    private static List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= name.length(); i++) {
            boolean valid = i < name.length() && isTokenChar(name.charAt(i));
            if (valid && start < 0) {
                start = i;
            } else if (!valid && start >= 0) {
                tokens.add(name.substring(start, i));
                start = -1;
            }
        }
        return tokens;
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':';
    }

    /** [main, per]; either may be empty. */
    private static String[] splitUnit(String unit) {
        int slash = unit.indexOf('/');
        if (slash < 0) {
            return new String[] {unit.strip(), ""};
        }
        return new String[] {unit.substring(0, slash).strip(), unit.substring(slash + 1).strip()};
    }

    private static String mainWord(String main) {
        // A curly-brace annotation ({request}) is not a unit: Prometheus drops that part entirely.
        if (main.isEmpty() || main.indexOf('{') >= 0 || main.indexOf('}') >= 0) {
            return "";
        }
        return cleanUnit(UNIT_WORDS.getOrDefault(main, main));
    }

    private static String perWord(String per) {
        if (per.isEmpty() || per.indexOf('{') >= 0 || per.indexOf('}') >= 0) {
            return "";
        }
        return cleanUnit(PER_UNIT_WORDS.getOrDefault(per, per));
    }

    /** Characters outside [a-zA-Z0-9] become '_', runs collapse, and '_' is trimmed from both ends. */
    private static String cleanUnit(String word) {
        StringBuilder sb = new StringBuilder(word.length());
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (ok) {
                sb.append(c);
            } else if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != '_') {
                sb.append('_');
            }
        }
        while (!sb.isEmpty() && sb.charAt(sb.length() - 1) == '_') {
            sb.setLength(sb.length() - 1);
        }
        return sb.toString();
    }
}
