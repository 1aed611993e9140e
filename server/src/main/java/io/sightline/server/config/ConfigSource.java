package io.sightline.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Flattened settings ({@code storage.wal.fsync -> "interval"}) each with where it came from (the file,
 * or a flag). Readers take keys as they map them onto typed configs; whatever nobody took is an unknown
 * key and stops start-up. Not thread-safe; used once at start-up.
 */
public final class ConfigSource {
    private record Setting(String value, List<String> list, String origin) {
    }

    private final Map<String, Setting> settings = new LinkedHashMap<>();
    private String fileOrigin = "the built-in defaults";

    /** An empty source: every key takes its default. */
    public static ConfigSource empty() {
        return new ConfigSource();
    }

    /** Reads a YAML file; a syntax error or a non-scalar where a scalar belongs names the file. */
    public static ConfigSource fromYaml(Path file) {
        ConfigSource source = new ConfigSource();
        String origin = file.toString();
        source.fileOrigin = origin;
        JsonNode root;
        try {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("config file " + file + " does not exist or is not a file");
            }
            root = YamlFile.read(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return source; // an empty file means all defaults
        }
        if (!root.isObject()) {
            throw new ConfigException("config file " + file + " must hold a YAML mapping at the top level");
        }
        source.flatten("", root, origin);
        return source;
    }

    /** Sets a key from a command-line flag; it overrides the file. */
    public ConfigSource override(String key, String value, String flagName) {
        settings.put(key, new Setting(value, null, "flag " + flagName));
        return this;
    }

    private void flatten(String prefix, JsonNode node, String origin) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                flatten(key, v, origin);
            } else if (v.isArray()) {
                List<String> items = new ArrayList<>();
                for (JsonNode item : v) {
                    if (!item.isValueNode()) {
                        throw new ConfigException("bad value for key '" + key + "' in " + origin + ": list items must be plain values");
                    }
                    items.add(item.asText());
                }
                settings.put(key, new Setting(null, items, origin));
            } else if (!v.isNull()) {
                settings.put(key, new Setting(v.asText(), null, origin));
            }
        }
    }

    public String string(String key, String defaultValue) {
        return take(key, s -> s, defaultValue);
    }

    public long durationMillis(String key, long defaultMillis) {
        return take(key, ValueParsers::durationMillis, defaultMillis);
    }

    public long bytes(String key, long defaultBytes) {
        return take(key, ValueParsers::bytes, defaultBytes);
    }

    public long integer(String key, long defaultValue) {
        return take(key, ValueParsers::integer, defaultValue);
    }

    public int port(String key, int defaultPort) {
        return take(key, ValueParsers::port, defaultPort);
    }

    public boolean bool(String key, boolean defaultValue) {
        return take(key, ValueParsers::bool, defaultValue);
    }

    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        return take(key, s -> {
            for (E c : type.getEnumConstants()) {
                if (c.name().equalsIgnoreCase(s.trim())) {
                    return c;
                }
            }
            List<String> names = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                names.add(c.name().toLowerCase(java.util.Locale.ROOT));
            }
            throw new IllegalArgumentException("\"" + s + "\" is not one of " + names);
        }, defaultValue);
    }

    /** A list of strings; a single scalar counts as a one-item list. */
    public List<String> list(String key, List<String> defaultValue) {
        Setting s = settings.remove(key);
        if (s == null) {
            return defaultValue;
        }
        return s.list != null ? List.copyOf(s.list) : List.of(s.value);
    }

    /**
     * Takes every scalar key under {@code prefix} (e.g. {@code global.external_labels.cluster -> eu1}) as a map of
     * the remaining key to its value, for free-form mappings such as Prometheus's {@code external_labels}.
     */
    public Map<String, String> mapUnder(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        String p = prefix + ".";
        for (java.util.Iterator<Map.Entry<String, Setting>> it = settings.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Setting> e = it.next();
            if (e.getKey().startsWith(p)) {
                if (e.getValue().value == null) {
                    throw new ConfigException("bad value for key '" + e.getKey() + "' in " + e.getValue().origin
                            + ": expected a single value, got a list");
                }
                out.put(e.getKey().substring(p.length()), e.getValue().value);
                it.remove();
            }
        }
        return out;
    }

    /** The config file's name (or "the built-in defaults"), for errors that span several keys. */
    public String origin() {
        return fileOrigin;
    }

    /** Fails on any key nobody took, naming the key and where it came from. */
    public void rejectUnknownKeys() {
        if (!settings.isEmpty()) {
            Map.Entry<String, Setting> first = settings.entrySet().iterator().next();
            throw new ConfigException("unknown configuration key '" + first.getKey() + "' in " + first.getValue().origin
                    + (settings.size() > 1 ? " (and " + (settings.size() - 1) + " more: " + settings.keySet() + ")" : "")
                    + "; see the configuration reference in README.md");
        }
    }

    private <T> T take(String key, Function<String, T> parser, T defaultValue) {
        Setting s = settings.remove(key);
        if (s == null) {
            return defaultValue;
        }
        if (s.value == null) {
            throw new ConfigException("bad value for key '" + key + "' in " + s.origin + ": expected a single value, got a list");
        }
        try {
            return parser.apply(s.value);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ConfigException("bad value for key '" + key + "' in " + s.origin + ": " + e.getMessage(), e);
        }
    }

    /** Wraps a typed config's own validation error (which names the key) with the file and flags. */
    ConfigException invalid(IllegalArgumentException e) {
        return new ConfigException("invalid configuration (" + fileOrigin + " and flags): " + e.getMessage(), e);
    }

    /**
     * The YAML parsing, in a class of its own so that a start without a config file never loads YAMLFactory: the
     * verifier loaded it to check fromYaml's bytecode, and the AOT cache then held jackson-dataformat-yaml and SnakeYAML
     * (28 classes, loaded into every server at start) for a file most deployments set through flags instead.
     */
    private static final class YamlFile {
        static JsonNode read(Path file) throws IOException {
            return new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        }
    }
}
