package io.sightline.alerting.rule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sightline.alerting.template.Template;
import io.sightline.alerting.template.TemplateException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads Prometheus rule files and checks them as {@code promtool check rules} does: known fields only, unique
 * group names per file, one of {@code alert}/{@code record}, valid names, parsing expressions and templates.
 * Errors are collected (not just the first) and name file, group, rule index and rule name.
 */
public final class RuleFileParser {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> GROUP_FIELDS = Set.of("name", "interval", "limit", "rules", "query_offset", "labels");
    private static final Pattern EXPR_ERROR = Pattern.compile(".*?: group \".*?\", rule (\\d+), \".*?\": could not parse expression: ");
    private static final Set<String> RULE_FIELDS = Set.of("alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations");

    private final ExpressionChecker checker;
    private final long defaultIntervalMillis;

    public RuleFileParser(ExpressionChecker checker, long defaultIntervalMillis) {
        this.checker = checker;
        this.defaultIntervalMillis = defaultIntervalMillis;
    }

    /** Parses every file; throws with all errors of all files when any is bad. */
    public List<GroupSpec> parseAll(List<Path> files) {
        List<String> errors = new ArrayList<>();
        List<GroupSpec> groups = new ArrayList<>();
        for (Path f : files) {
            groups.addAll(parse(f, errors));
        }
        if (!errors.isEmpty()) {
            throw new RuleLoadException(errors);
        }
        return groups;
    }

    List<GroupSpec> parse(Path file, List<String> errors) {
        String name = file.toString();
        JsonNode root;
        String text;
        try {
            text = Files.readString(file);
            root = Yaml.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            errors.add(name + ": " + e.getOriginalMessage() + locationOf(e));
            return List.of();
        } catch (IOException e) {
            errors.add(name + ": cannot read rule file: " + e);
            return List.of();
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return List.of();
        }
        if (!root.isObject()) {
            errors.add(name + ": a rule file must be a mapping with a 'groups' list");
            return List.of();
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("groups")) {
                errors.add(name + ": field " + f + " not found in type rulefmt.RuleGroups");
            }
        }
        JsonNode groupsNode = root.path("groups");
        if (!groupsNode.isArray()) {
            if (!groupsNode.isMissingNode() && !groupsNode.isNull()) {
                errors.add(name + ": 'groups' must be a list");
            }
            return List.of();
        }
        List<GroupSpec> out = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        int groupIndex = 0;
        for (JsonNode g : groupsNode) {
            List<String> groupErrors = new ArrayList<>();
            GroupSpec spec = group(name, g, groupErrors);
            addWithPositions(groupErrors, name, text, groupIndex++, errors);
            if (spec != null && !seen.add(spec.name())) {
                errors.add(name + ": " + spec.name() + ": repeated in the same file");
            } else if (spec != null) {
                out.add(spec);
            }
        }
        return out;
    }

    /**
     * Expression errors get the {@code line:column} of their {@code expr} after the file name, as promtool prints
     * them ({@code rules.yml: 7:15: group "api", rule 2, "Broken": could not parse expression: ...}).
     */
    private static void addWithPositions(List<String> groupErrors, String file, String text, int groupIndex, List<String> errors) {
        Map<String, String> positions = null;
        for (String e : groupErrors) {
            java.util.regex.Matcher m = EXPR_ERROR.matcher(e);
            if (m.lookingAt() && e.startsWith(file + ": ")) {
                if (positions == null) {
                    positions = ExprPositions.of(text);
                }
                String pos = positions.get(groupIndex + "/" + (Integer.parseInt(m.group(1)) - 1));
                if (pos != null) {
                    e = file + ": " + pos + ": " + e.substring(file.length() + 2);
                }
            }
            errors.add(e);
        }
    }

    private GroupSpec group(String file, JsonNode g, List<String> errors) {
        String groupName = g.path("name").asText("");
        String where = file + ": group \"" + groupName + "\"";
        if (groupName.isEmpty()) {
            errors.add(file + ": group name should not be empty");
            return null;
        }
        unknownFields(g, GROUP_FIELDS, where + ": field ", " not found in type rulefmt.RuleGroup", errors);
        long interval = defaultIntervalMillis;
        if (g.has("interval")) {
            try {
                interval = Durations.parseMillis(g.get("interval").asText());
            } catch (IllegalArgumentException e) {
                errors.add(where + ": interval: " + e.getMessage());
            }
            if (interval <= 0) {
                errors.add(where + ": interval must be positive, got " + g.get("interval").asText());
                interval = defaultIntervalMillis;
            }
        }
        int limit = g.path("limit").asInt(0);
        long queryOffset = duration(g, "query_offset", where, errors);
        Map<String, String> groupLabels = stringMap(g.path("labels"), where + ": labels", errors);
        List<RuleSpec> rules = new ArrayList<>();
        int index = 0;
        for (JsonNode r : g.path("rules")) {
            index++;
            RuleSpec spec = rule(where, index, r, groupLabels, errors);
            if (spec != null) {
                rules.add(spec);
            }
        }
        return new GroupSpec(file, groupName, interval, limit, queryOffset, List.copyOf(rules));
    }

    private RuleSpec rule(String groupWhere, int index, JsonNode r, Map<String, String> groupLabels, List<String> errors) {
        boolean isAlert = r.hasNonNull("alert");
        boolean isRecord = r.hasNonNull("record");
        String name = isAlert ? r.get("alert").asText() : isRecord ? r.get("record").asText() : "";
        String where = groupWhere + ", rule " + index + ", \"" + name + "\"";
        int before = errors.size();
        unknownFields(r, RULE_FIELDS, where + ": field ", " not found in type rulefmt.Rule", errors);
        if (isAlert == isRecord) {
            errors.add(where + ": one of 'record' or 'alert' must be set");
            return null;
        }
        if (isRecord && !METRIC_NAME.matcher(name).matches()) {
            errors.add(where + ": invalid recording rule name: " + name);
        }
        if (isAlert && name.isBlank()) {
            errors.add(where + ": invalid alerting rule name: \"" + name + "\"");
        }
        if (isRecord && (r.has("for") || r.has("keep_firing_for") || r.has("annotations"))) {
            errors.add(where + ": invalid field 'for', 'keep_firing_for' or 'annotations' in recording rule");
        }
        String expr = r.path("expr").asText("");
        if (expr.isBlank()) {
            errors.add(where + ": field 'expr' must be set in rule");
        } else {
            String err = checker.parseError(expr);
            if (err != null) {
                errors.add(where + ": could not parse expression: " + err);
            }
        }
        long forMillis = duration(r, "for", where, errors);
        long keepFiring = duration(r, "keep_firing_for", where, errors);
        // group labels first: a rule's own label of the same name wins (Prometheus 3)
        Map<String, String> labels = new LinkedHashMap<>(groupLabels);
        labels.putAll(stringMap(r.path("labels"), where + ": labels", errors));
        Map<String, String> annotations = stringMap(r.path("annotations"), where + ": annotations", errors);
        for (String l : labels.keySet()) {
            if (!LABEL_NAME.matcher(l).matches() || l.equals("__name__")) {
                errors.add(where + ": invalid label name: " + l);
            }
        }
        Map<String, Template> labelTemplates = templates(labels, "label", name, where, errors);
        Map<String, Template> annotationTemplates = templates(annotations, "annotation", name, where, errors);
        if (errors.size() > before) {
            return null;
        }
        return new RuleSpec(isAlert, name, expr, forMillis, keepFiring, labels, annotations, labelTemplates, annotationTemplates);
    }

    private static Map<String, Template> templates(Map<String, String> values, String kind, String rule, String where,
                                                   List<String> errors) {
        Map<String, Template> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            try {
                out.put(e.getKey(), Template.parse("__alert_" + rule, e.getValue()));
            } catch (TemplateException ex) {
                errors.add(where + ": " + kind + " \"" + e.getKey() + "\": " + ex.getMessage());
            }
        }
        return out;
    }

    private static long duration(JsonNode r, String field, String where, List<String> errors) {
        if (!r.hasNonNull(field)) {
            return 0;
        }
        try {
            return Durations.parseMillis(r.get(field).asText());
        } catch (IllegalArgumentException e) {
            errors.add(where + ": " + field + ": " + e.getMessage());
            return 0;
        }
    }

    private static Map<String, String> stringMap(JsonNode n, String where, List<String> errors) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n.isMissingNode() || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            errors.add(where + " must be a mapping");
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode()) {
                errors.add(where + ": value of " + e.getKey() + " must be a string");
            } else {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }

    private static void unknownFields(JsonNode n, Set<String> known, String prefix, String suffix, List<String> errors) {
        if (!n.isObject()) {
            errors.add(prefix.substring(0, prefix.length() - ": field ".length()) + ": must be a mapping");
            return;
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                errors.add(prefix + f + suffix);
            }
        }
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    /**
     * Built by the first rule file read: Jackson's databind and YAML parser (~400 classes) stay unloaded in a server
     * without rule files.
     */
    private static final class Yaml {
        static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());
    }
}
