package io.sightline.alerting.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.alerting.rule.Durations;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one mapping of the Alertmanager config with its location for error messages ({@code receivers[0].slack_configs[1]}),
 * checks unknown keys, and resolves secrets from {@code *_file} keys or {@code ${ENV_VAR}} references (the server
 * passes the environment in; this module never reads it itself).
 */
public final class ConfigReader {
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final JsonNode node;
    private final String where;
    private final UnaryOperator<String> env;

    public ConfigReader(JsonNode node, String where, UnaryOperator<String> env) {
        this.node = node;
        this.where = where;
        this.env = env;
    }

    public String where() {
        return where;
    }

    public JsonNode node() {
        return node;
    }

    UnaryOperator<String> env() {
        return env;
    }

    /** The environment lookup, for readers of nested mappings. */
    public UnaryOperator<String> envFunction() {
        return env;
    }

    /** The first of the environment variables that is set, or null. */
    String envValue(String... names) {
        for (String n : names) {
            String v = env.apply(n);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** A secret file's content without surrounding whitespace (as Alertmanager trims). */
    public static String readSecretFile(String where, String file) {
        Path p = Path.of(file);
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    public ConfigReader child(String key, String childWhere) {
        return new ConfigReader(node.path(key), childWhere, env);
    }

    /** @throws IllegalArgumentException naming the location and the first unknown key */
    public void allowOnly(Set<String> keys) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": expected a mapping");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) {
                throw new IllegalArgumentException(where + ": unknown field \"" + k + "\" (known: " + new java.util.TreeSet<>(keys) + ")");
            }
        }
    }

    /**
     * Fails on keys Alertmanager has but Sightline does not implement yet, so a config never half-works silently.
     *
     * @throws IllegalArgumentException naming the first such key present
     */
    public void rejectUnsupported(String why, String... keys) {
        for (String k : keys) {
            if (node.hasNonNull(k)) {
                throw new IllegalArgumentException(where + "." + k + ": not supported by Sightline (" + why + ")");
            }
        }
    }

    /**
     * A field that may hold a Go template, compiled against the config's templates; null when absent or empty.
     *
     * @throws IllegalArgumentException naming the field when the template does not parse
     */
    public TextTemplate template(String key, Globals g) {
        String v = string(key, null);
        return v == null || v.isEmpty() ? null : g.templates().compile(where + "." + key, v);
    }

    /** The receiver's {@code http_config}, or the global one when it sets none. */
    public HttpSettings http(Globals g) {
        return HttpSettingsParser.parse(this, g.http());
    }

    /**
     * Logs that Alertmanager keys present here are accepted but change nothing in Sightline's message (they are
     * presentation details of Alertmanager's own format); the notification is still sent.
     */
    public void warnUnused(org.slf4j.Logger log, String why, String... keys) {
        List<String> present = new java.util.ArrayList<>();
        for (String k : keys) {
            if (node.hasNonNull(k)) {
                present.add(k);
            }
        }
        if (!present.isEmpty()) {
            log.warn("alerting config keys accepted but not used [where={}, keys={}, reason={}]", where, present, why);
        }
    }

    /** A list of strings, each with {@code ${ENV}} references expanded; empty when absent. */
    public List<String> stringList(String key) {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode v : node.path(key)) {
            out.add(expandEnv(v.asText(), key));
        }
        return out;
    }

    public String string(String key, String def) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? def : expandEnv(v.asText(), key);
    }

    public boolean bool(String key, boolean def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(where + "." + key + ": expected true or false, got " + v.asText());
        }
        return v.asBoolean();
    }

    public long durationMillis(String key, long def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        try {
            return Durations.parseMillis(v.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "." + key + ": " + e.getMessage(), e);
        }
    }

    public int integer(String key, int def) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.canConvertToInt()) {
            throw new IllegalArgumentException(where + "." + key + ": expected an integer, got " + v.asText());
        }
        return v.asInt();
    }

    /**
     * A secret given inline ({@code key}, may reference {@code ${ENV}}), in a file ({@code fileKey}), or inherited
     * from {@code global}; exactly one source, else an error naming both keys.
     */
    public String secret(String key, String fileKey, String globalDefault, boolean isRequired) {
        boolean hasInline = node.hasNonNull(key);
        boolean hasFile = fileKey != null && node.hasNonNull(fileKey);
        if (hasInline && hasFile) {
            throw new IllegalArgumentException(where + ": at most one of " + key + " and " + fileKey + " must be configured");
        }
        if (hasFile) {
            return readSecretFile(where + "." + fileKey, node.get(fileKey).asText());
        }
        String v = hasInline ? expandEnv(node.get(key).asText(), key) : globalDefault;
        if ((v == null || v.isBlank()) && isRequired) {
            throw new IllegalArgumentException(where + ": one of " + key + (fileKey == null ? "" : " or " + fileKey)
                    + " must be configured");
        }
        return v;
    }

    /** A secret that must be an absolute http(s) URL. */
    public URI url(String key, String fileKey, String globalDefault) {
        String v = secret(key, fileKey, globalDefault, true);
        try {
            URI u = URI.create(v);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
                throw new IllegalArgumentException("scheme must be http or https");
            }
            return u;
        } catch (IllegalArgumentException e) {
            // never echo the URL: it is usually a secret
            throw new IllegalArgumentException(where + "." + key + ": not a valid http(s) URL (" + e.getMessage() + ")", e);
        }
    }

    private String expandEnv(String value, String key) {
        Matcher m = ENV_REF.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env.apply(m.group(1));
            if (v == null) {
                throw new IllegalArgumentException(where + "." + key + ": environment variable " + m.group(1) + " is not set");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
