package io.sightline.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The repository's deploy/ directory read the way the tools that consume it would: YAML (every document of a
 * multi-document file), JSON, and the Dockerfile's instructions. Shared by {@link DeployFilesTest} and
 * {@link DeployedServerIT}.
 */
final class DeployFiles {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();
    /** The one config file the image and the Kubernetes ConfigMap carry. */
    static final String CONTAINER_CONFIG = "deploy/sightline.container.yml";
    private static final Pattern SELF_METRIC = Pattern.compile("\\bsightline_[a-z0-9_]+");

    final Path root;

    private DeployFiles(Path root) {
        this.root = root;
    }

    /** Walks up from the module directory to the repository root (the directory holding deploy/ and pom.xml). */
    static DeployFiles locate() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.isDirectory(p.resolve("deploy")) && Files.isRegularFile(p.resolve("pom.xml")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new AssertionError("no deploy/ directory above " + Path.of("").toAbsolutePath());
        }
        return new DeployFiles(p);
    }

    Path path(String relative) {
        return root.resolve(relative);
    }

    /** Every file under deploy/ whose name ends with one of the extensions, sorted. */
    List<Path> filesUnderDeploy(String... extensions) {
        try (Stream<Path> s = Files.walk(path("deploy"))) {
            return s.filter(Files::isRegularFile)
                    .filter(f -> Stream.of(extensions).anyMatch(e -> f.getFileName().toString().endsWith(e)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a YAML file (Kubernetes manifests hold several, separated by ---). */
    static List<JsonNode> yamlDocuments(Path file) {
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            List<JsonNode> docs = new ArrayList<>();
            while (it.hasNextValue()) {
                JsonNode d = it.nextValue();
                if (d != null && !d.isNull() && !d.isMissingNode()) {
                    docs.add(d);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new AssertionError(file + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    JsonNode yaml(String relative) {
        List<JsonNode> docs = yamlDocuments(path(relative));
        if (docs.size() != 1) {
            throw new AssertionError(relative + ": expected one YAML document, found " + docs.size());
        }
        return docs.getFirst();
    }

    JsonNode json(String relative) {
        try {
            return JSON.readTree(path(relative).toFile());
        } catch (IOException e) {
            throw new AssertionError(relative + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The one Kubernetes object of that kind in the manifests under deploy/kubernetes (the ConfigMaps excluded). */
    JsonNode kubernetesObject(String file, String kind) {
        List<JsonNode> found = yamlDocuments(path("deploy/kubernetes/" + file)).stream()
                .filter(d -> kind.equals(d.path("kind").asText())).toList();
        if (found.size() != 1) {
            throw new AssertionError("deploy/kubernetes/" + file + ": expected one " + kind + ", found " + found.size());
        }
        return found.getFirst();
    }

    /** The Dockerfile's instructions (continuation lines joined, comments dropped), each as "KEYWORD rest". */
    List<String> dockerfileInstructions() {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        try {
            for (String line : Files.readAllLines(path("deploy/docker/Dockerfile"))) {
                String t = line.strip();
                if (current.isEmpty() && (t.isEmpty() || t.startsWith("#"))) {
                    continue;
                }
                if (t.startsWith("#")) {
                    continue; // a comment inside a continued instruction
                }
                if (t.endsWith("\\")) {
                    current.append(t, 0, t.length() - 1).append(' ');
                } else {
                    current.append(t);
                    out.add(current.toString());
                    current.setLength(0);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Instructions of the last stage (the runtime image) that start with the keyword, without the keyword. */
    List<String> runtimeStage(String keyword) {
        List<String> all = dockerfileInstructions();
        int lastFrom = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).startsWith("FROM ")) {
                lastFrom = i;
            }
        }
        return all.subList(lastFrom, all.size()).stream().filter(s -> s.startsWith(keyword + " "))
                .map(s -> s.substring(keyword.length() + 1).strip()).toList();
    }

    /** The variables the runtime stage's ENV sets ({@code KEY="value"} or {@code KEY=value}, space separated). */
    Map<String, String> runtimeEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|(\\S*))").matcher(String.join(" ", runtimeStage("ENV")));
        while (m.find()) {
            env.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
        }
        return env;
    }

    /** A JSON-array (exec form) argument of an instruction, e.g. CMD ["--config", "/etc/..."]. */
    static List<String> execForm(String arguments) {
        try {
            JsonNode n = JSON.readTree(arguments);
            List<String> out = new ArrayList<>();
            n.forEach(x -> out.add(x.asText()));
            return out;
        } catch (IOException e) {
            throw new AssertionError("not an exec-form JSON array: " + arguments, e);
        }
    }

    /** Every {@code sightline_*} metric name a PromQL expression uses. */
    static Set<String> selfMetricNames(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher m = SELF_METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** The Sightline self-monitoring dashboard. */
    static final String SELF_DASHBOARD = "deploy/grafana/sightline.json";

    /** Every dashboard JSON Grafana provisions (deploy/grafana/*.json), relative to the repository root. */
    List<String> dashboards() {
        return filesUnderDeploy(".json").stream().filter(p -> p.getParent().endsWith("grafana"))
                .map(p -> root.relativize(p).toString()).toList();
    }

    /** Every PromQL expression of a dashboard's panels, with the panel title. */
    List<String[]> dashboardExpressions(String dashboard) {
        List<String[]> out = new ArrayList<>();
        for (JsonNode panel : json(dashboard).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                out.add(new String[]{panel.path("title").asText(), target.path("expr").asText()});
            }
        }
        return out;
    }

    /** Every expression of deploy/rules/sightline-self.yml, with the rule name. */
    List<String[]> selfRuleExpressions() {
        List<String[]> out = new ArrayList<>();
        for (JsonNode group : yaml("deploy/rules/sightline-self.yml").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
                out.add(new String[]{name, rule.path("expr").asText()});
            }
        }
        return out;
    }
}
