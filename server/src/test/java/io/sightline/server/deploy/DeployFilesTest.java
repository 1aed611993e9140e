package io.sightline.server.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sightline.server.config.ConfigSource;
import io.sightline.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files under deploy/ agree with each other and with what the server accepts, without a container engine:
 * the image, the Compose stack and the Kubernetes manifests run the same config file, publish the ports it
 * sets, mount the data directory it names, and point Grafana and the Collector at the right URLs.
 * {@link DeployedServerIT} then starts the server with that config and checks the endpoints and metric names.
 */
class DeployFilesTest {
    private static final String CONFIG_IN_IMAGE = "/etc/sightline/sightline.yml";
    private final DeployFiles deploy = DeployFiles.locate();
    private final ServerConfig config = ServerConfig.from(ConfigSource.fromYaml(deploy.path(DeployFiles.CONTAINER_CONFIG)));

    @Test
    void everyYamlAndJsonFileUnderDeployParses() {
        List<Path> yaml = deploy.filesUnderDeploy(".yml", ".yaml");
        assertThat(yaml).as("YAML files under deploy/").hasSizeGreaterThanOrEqualTo(12);
        for (Path f : yaml) {
            assertThat(DeployFiles.yamlDocuments(f)).as("documents in %s", f).isNotEmpty();
        }
        List<Path> json = deploy.filesUnderDeploy(".json");
        assertThat(json).as("JSON files under deploy/").isNotEmpty();
        for (Path f : json) {
            assertThat(deploy.json(deploy.root.relativize(f).toString()).isObject()).as("%s holds an object", f).isTrue();
        }
    }

    @Test
    void containerConfigListensOnAllInterfacesOnTheDefaultPortsWithDataUnderSlashData() {
        assertThat(config.listenAddress()).isEqualTo("0.0.0.0");
        assertThat(config.dataDir()).isEqualTo(Path.of("/data"));
        assertThat(List.of(config.otlpGrpcPort(), config.otlpHttpPort(), config.httpPort())).containsExactly(4317, 4318, 9090);
        // rule_files is relative to the config file: deploy/rules here, /etc/sightline/rules in the image and pod.
        assertThat(config.alerting().ruleFiles()).containsExactly(deploy.path("deploy/rules/*.yml").toString());
    }

    @Test
    void imageBuildsTheJarWithJava25AndRunsItAsNonRootWithTheContainerConfig() throws IOException {
        List<String> all = deploy.dockerfileInstructions();
        List<String> froms = all.stream().filter(s -> s.startsWith("FROM ")).toList();
        assertThat(froms).containsExactly("FROM maven:3.9-eclipse-temurin-25 AS build", "FROM eclipse-temurin:25-jdk");
        assertThat(Files.readString(deploy.path("pom.xml"))).contains("<maven.compiler.release>25</maven.compiler.release>");
        // The build stage's jar is the one the server module's shade plugin writes.
        assertThat(Files.readString(deploy.path("server/pom.xml"))).contains("${project.build.directory}/sightline.jar");
        assertThat(String.join("\n", all)).contains("-pl server -am").contains("cp server/target/sightline.jar /sightline.jar");

        assertThat(deploy.runtimeStage("COPY")).containsExactlyInAnyOrder(
                "--from=build /sightline.jar /opt/sightline/sightline.jar",
                DeployFiles.CONTAINER_CONFIG + " " + CONFIG_IN_IMAGE,
                "deploy/rules/ /etc/sightline/rules/");
        assertThat(deploy.runtimeStage("EXPOSE")).containsExactly(
                config.otlpGrpcPort() + " " + config.otlpHttpPort() + " " + config.httpPort());
        assertThat(deploy.runtimeStage("VOLUME")).containsExactly(config.dataDir().toString());
        assertThat(deploy.runtimeStage("USER")).singleElement().satisfies(u -> assertThat(u).doesNotStartWith("0").doesNotStartWith("root"));
        assertThat(deploy.runtimeStage("ENV")).singleElement().satisfies(e -> assertThat(e).contains("-XX:MaxRAMPercentage="));
        List<String> entrypoint = DeployFiles.execForm(deploy.runtimeStage("ENTRYPOINT").getFirst());
        assertThat(String.join(" ", entrypoint)).contains("exec java $JAVA_OPTS $aot -jar /opt/sightline/sightline.jar")
                .contains("aot=-XX:AOTCache=/opt/sightline/sightline.aot");
        assertThat(DeployFiles.execForm(deploy.runtimeStage("CMD").getFirst())).containsExactly("--config", CONFIG_IN_IMAGE);
        assertThat(deploy.runtimeStage("HEALTHCHECK")).singleElement()
                .satisfies(h -> assertThat(h).contains("/dev/tcp/127.0.0.1/" + config.httpPort()).contains("GET /-/ready"));
    }

    @Test
    void dockerignoreKeepsWhatTheImageBuildCopies() throws IOException {
        List<String> ignored = Files.readAllLines(deploy.path(".dockerignore")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        for (String source : List.of("pom.xml", "server/pom.xml", "server/src", "storage/src", DeployFiles.CONTAINER_CONFIG, "deploy/rules")) {
            assertThat(deploy.path(source)).as("build context entry %s", source).exists();
            for (String pattern : ignored) {
                assertThat(source.equals(pattern) || source.startsWith(pattern + "/"))
                        .as(".dockerignore entry %s excludes %s", pattern, source).isFalse();
            }
        }
        assertThat(ignored).contains("**/target", ".git");
    }

    @Test
    void statefulSetRunsTheImageConfigWithProbesLimitsAndARestrictiveSecurityContext() {
        JsonNode sts = deploy.kubernetesObject("statefulset.yaml", "StatefulSet");
        JsonNode pod = sts.path("spec").path("template").path("spec");
        JsonNode c = pod.path("containers").get(0);
        assertThat(texts(c.path("args"))).containsExactly("--config", CONFIG_IN_IMAGE);

        Map<String, Integer> ports = new HashMap<>();
        c.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports).containsOnly(Map.entry("otlp-grpc", config.otlpGrpcPort()), Map.entry("otlp-http", config.otlpHttpPort()),
                Map.entry("http", config.httpPort()));
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/-/healthy");
        assertThat(c.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/-/healthy");
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/-/ready");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(c.path(probe).path("httpGet").path("port").asText()).as(probe).isEqualTo("http");
        }
        for (String kind : List.of("requests", "limits")) {
            assertThat(c.path("resources").path(kind).path("cpu").asText()).as("cpu %s", kind).isNotEmpty();
            assertThat(c.path("resources").path(kind).path("memory").asText()).as("memory %s", kind).isNotEmpty();
        }
        assertThat(texts(c.path("env").findValues("value"))).anySatisfy(v -> assertThat(v).contains("-XX:MaxRAMPercentage="));

        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("runAsUser").asInt()).isPositive();
        assertThat(pod.path("securityContext").path("fsGroup").asInt()).as("fsGroup makes the claim writable").isPositive();
        JsonNode sc = c.path("securityContext");
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(sc.path("allowPrivilegeEscalation").isBoolean() && !sc.path("allowPrivilegeEscalation").asBoolean()).isTrue();
        assertThat(texts(sc.path("capabilities").path("drop"))).containsExactly("ALL");

        // With a read-only root file system, exactly the data directory and /tmp are writable.
        Map<String, JsonNode> mounts = new HashMap<>();
        c.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m));
        List<String> writable = mounts.values().stream().filter(m -> !m.path("readOnly").asBoolean())
                .map(m -> m.path("mountPath").asText()).sorted().toList();
        assertThat(writable).containsExactly(config.dataDir().toString(), "/tmp");
        assertThat(mounts.get(config.dataDir().toString()).path("name").asText()).isEqualTo("data");
        assertThat(sts.path("spec").path("volumeClaimTemplates").get(0).path("metadata").path("name").asText()).isEqualTo("data");

        JsonNode configMount = mounts.get(CONFIG_IN_IMAGE);
        assertThat(configMount).as("a mount at %s", CONFIG_IN_IMAGE).isNotNull();
        assertThat(configMount.path("subPath").asText()).isEqualTo("sightline.yml");
        JsonNode rulesMount = mounts.get(Path.of(CONFIG_IN_IMAGE).resolveSibling("rules").toString());
        assertThat(rulesMount).as("rules next to the config file, where rule_files: rules/*.yml points").isNotNull();
        Map<String, String> configMaps = new HashMap<>();
        pod.path("volumes").forEach(v -> configMaps.put(v.path("name").asText(), v.path("configMap").path("name").asText()));
        assertThat(configMaps.get(configMount.path("name").asText())).isEqualTo("sightline-config");
        assertThat(configMaps.get(rulesMount.path("name").asText())).isEqualTo("sightline-rules");
    }

    @Test
    void kustomizationGeneratesTheConfigMapsFromTheFilesTheImageCarries() throws IOException {
        JsonNode k = deploy.yaml("deploy/kubernetes/kustomization.yaml");
        Path dir = deploy.path("deploy/kubernetes");
        for (JsonNode r : k.path("resources")) {
            assertThat(dir.resolve(r.asText())).as("resource %s", r.asText()).isRegularFile();
        }
        assertThat(texts(k.path("resources"))).contains("statefulset.yaml", "service.yaml", "poddisruptionbudget.yaml");
        Map<String, List<String>> generated = new HashMap<>();
        for (JsonNode g : k.path("configMapGenerator")) {
            List<String> files = new ArrayList<>();
            for (JsonNode f : g.path("files")) {
                String entry = f.asText();
                String key = entry.contains("=") ? entry.substring(0, entry.indexOf('=')) : Path.of(entry).getFileName().toString();
                Path file = dir.resolve(entry.contains("=") ? entry.substring(entry.indexOf('=') + 1) : entry).normalize();
                assertThat(file).as("ConfigMap %s key %s", g.path("name").asText(), key).isRegularFile();
                files.add(key + "=" + deploy.root.relativize(file));
            }
            generated.put(g.path("name").asText(), files);
        }
        assertThat(generated.get("sightline-config")).containsExactly("sightline.yml=" + DeployFiles.CONTAINER_CONFIG);
        // Every rule file the image copies (deploy/rules/) is in the ConfigMap: adding one without listing it fails here.
        List<String> ruleFiles = new ArrayList<>();
        try (var s = Files.list(deploy.path("deploy/rules"))) {
            s.filter(p -> p.toString().endsWith(".yml")).sorted()
                    .forEach(p -> ruleFiles.add(p.getFileName() + "=deploy/rules/" + p.getFileName()));
        }
        assertThat(generated.get("sightline-rules")).containsExactlyInAnyOrderElementsOf(ruleFiles);
    }

    @Test
    void servicesAndDisruptionBudgetSelectTheSightlinePodAndExposeItsPorts() {
        JsonNode sts = deploy.kubernetesObject("statefulset.yaml", "StatefulSet");
        JsonNode podLabels = sts.path("spec").path("template").path("metadata").path("labels");
        assertThat(sts.path("spec").path("selector").path("matchLabels")).isEqualTo(podLabels);
        Set<String> containerPortNames = new TreeSet<>(sts.path("spec").path("template").path("spec").path("containers").get(0)
                .path("ports").findValuesAsText("name"));
        List<JsonNode> services = DeployFiles.yamlDocuments(deploy.path("deploy/kubernetes/service.yaml"));
        assertThat(services).extracting(s -> s.path("metadata").path("name").asText())
                .containsExactlyInAnyOrder("sightline", sts.path("spec").path("serviceName").asText());
        for (JsonNode svc : services) {
            String name = svc.path("metadata").path("name").asText();
            assertThat(matches(svc.path("spec").path("selector"), podLabels)).as("service %s selects the pod", name).isTrue();
            Map<Integer, String> ports = new HashMap<>();
            svc.path("spec").path("ports").forEach(p -> ports.put(p.path("port").asInt(), p.path("targetPort").asText()));
            assertThat(ports).as("service %s ports", name).containsOnlyKeys(config.otlpGrpcPort(), config.otlpHttpPort(), config.httpPort());
            assertThat(containerPortNames).as("service %s target ports", name).containsAll(ports.values());
        }
        JsonNode pdb = deploy.kubernetesObject("poddisruptionbudget.yaml", "PodDisruptionBudget");
        assertThat(pdb.path("apiVersion").asText()).isEqualTo("policy/v1");
        assertThat(matches(pdb.path("spec").path("selector").path("matchLabels"), podLabels)).isTrue();
    }

    @Test
    void collectorsForwardOverOtlpGrpcToSightlineWithoutScrapingItsSelfMetricsTwice() throws IOException {
        JsonNode compose = deploy.yaml("deploy/compose/otel-collector.yaml");
        JsonNode k8sConfigMap = deploy.kubernetesObject("otel-collector.yaml", "ConfigMap");
        JsonNode k8s = DeployFiles.YAML.readTree(k8sConfigMap.path("data").path("config.yaml").asText());
        for (JsonNode collector : List.of(compose, k8s)) {
            List<String> endpoints = collector.path("exporters").findValuesAsText("endpoint");
            assertThat(endpoints).containsExactly("sightline:" + config.otlpGrpcPort());
            assertThat(collector.path("service").path("pipelines").path("metrics").path("exporters")).hasSize(1);
            // Sightline writes its own metrics (self_monitoring.interval): a scrape here would store each series twice.
            assertThat(config.telemetry().selfScrapeIntervalMillis()).isPositive();
            assertThat(collector.path("receivers").has("prometheus/sightline")).isFalse();
        }
        JsonNode deployment = deploy.kubernetesObject("otel-collector.yaml", "Deployment");
        JsonNode c = deployment.path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(texts(c.path("args"))).containsExactly("--config=" + c.path("volumeMounts").get(0).path("mountPath").asText() + "/config.yaml");
    }

    @Test
    void imageComposeAndKubernetesStartTheJvmWithTheSameOptionsAndTwoMallocArenas() {
        Map<String, String> image = deploy.runtimeEnv();
        assertThat(image).containsKey("JAVA_OPTS").containsEntry("MALLOC_ARENA_MAX", "2");

        JsonNode compose = deploy.yaml("deploy/compose/compose.yaml").path("services").path("sightline").path("environment");
        assertThat(compose.path("JAVA_OPTS").asText()).isEqualTo(image.get("JAVA_OPTS"));
        assertThat(compose.path("MALLOC_ARENA_MAX").asText()).isEqualTo("2");

        Map<String, String> k8s = new HashMap<>();
        deploy.kubernetesObject("statefulset.yaml", "StatefulSet").path("spec").path("template").path("spec")
                .path("containers").get(0).path("env").forEach(e -> k8s.put(e.path("name").asText(), e.path("value").asText()));
        assertThat(k8s).containsEntry("JAVA_OPTS", image.get("JAVA_OPTS")).containsEntry("MALLOC_ARENA_MAX", "2");
    }

    @Test
    void composeRunsTheImageAndMountsWhatGrafanaAndTheCollectorRead() {
        JsonNode compose = deploy.yaml("deploy/compose/compose.yaml");
        Path dir = deploy.path("deploy/compose");
        JsonNode sightline = compose.path("services").path("sightline");
        Path context = dir.resolve(sightline.path("build").path("context").asText()).normalize();
        assertThat(context).isEqualTo(deploy.root);
        assertThat(context.resolve(sightline.path("build").path("dockerfile").asText())).isRegularFile();
        List<Integer> containerPorts = texts(sightline.path("ports")).stream()
                .map(p -> Integer.parseInt(p.substring(p.lastIndexOf(':') + 1))).toList();
        assertThat(containerPorts).containsExactlyInAnyOrder(config.otlpGrpcPort(), config.otlpHttpPort(), config.httpPort());
        assertThat(texts(sightline.path("volumes"))).anySatisfy(v -> assertThat(v).endsWith(":" + config.dataDir()));
        assertThat(sightline.path("read_only").asBoolean()).isTrue();

        Map<String, String> grafanaMounts = bindMounts(compose.path("services").path("grafana"), dir);
        JsonNode provider = deploy.yaml("deploy/compose/grafana/provisioning/dashboards/sightline.yaml").path("providers").get(0);
        assertThat(grafanaMounts).containsEntry("/etc/grafana/provisioning", "deploy/compose/grafana/provisioning")
                .containsEntry(provider.path("options").path("path").asText(), "deploy/grafana");

        JsonNode collector = compose.path("services").path("otel-collector");
        Map<String, String> collectorMounts = bindMounts(collector, dir);
        assertThat(texts(collector.path("command"))).singleElement().satisfies(cmd ->
                assertThat(collectorMounts).containsEntry(cmd.substring("--config=".length()), "deploy/compose/otel-collector.yaml"));
    }

    @Test
    void grafanaDataSourcesPointAtSightlineAndLinkToEachOther() {
        JsonNode sources = deploy.yaml("deploy/compose/grafana/provisioning/datasources/sightline.yaml").path("datasources");
        Map<String, String> uidByType = new HashMap<>();
        for (JsonNode ds : sources) {
            // "sightline" is both the Compose service and the Kubernetes Service name.
            assertThat(ds.path("url").asText()).as(ds.path("name").asText()).isEqualTo("http://sightline:" + config.httpPort());
            uidByType.put(ds.path("type").asText(), ds.path("uid").asText());
        }
        assertThat(uidByType).containsOnlyKeys("prometheus", "loki", "tempo");
        assertThat(deploy.yaml("deploy/compose/compose.yaml").path("services").has("sightline")).isTrue();
        assertThat(DeployFiles.yamlDocuments(deploy.path("deploy/kubernetes/service.yaml")))
                .extracting(s -> s.path("metadata").path("name").asText()).contains("sightline");
        JsonNode tempo = sources.findParent("tracesToLogsV2");
        assertThat(tempo.path("tracesToLogsV2").path("datasourceUid").asText()).isEqualTo(uidByType.get("loki"));
        assertThat(tempo.path("tracesToMetrics").path("datasourceUid").asText()).isEqualTo(uidByType.get("prometheus"));
        assertThat(tempo.path("serviceMap").path("datasourceUid").asText()).isEqualTo(uidByType.get("prometheus"));

        assertThat(deploy.dashboards()).contains(DeployFiles.SELF_DASHBOARD, "deploy/grafana/services-red.json");
        for (String file : deploy.dashboards()) {
            JsonNode dashboard = deploy.json(file);
            JsonNode dsVariable = dashboard.path("templating").path("list").get(0);
            assertThat(dsVariable.path("query").asText()).as(file).isEqualTo("prometheus");
            assertThat(dsVariable.path("current").path("value").asText()).as(file).isEqualTo(uidByType.get("prometheus"));
            assertThat(dashboard.path("panels")).as(file).isNotEmpty();
            for (JsonNode panel : dashboard.path("panels")) {
                if (!"row".equals(panel.path("type").asText())) {
                    String title = file + ": " + panel.path("title").asText();
                    assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
                    assertThat(panel.path("targets")).as(title).isNotEmpty();
                }
            }
        }
    }

    @Test
    void dashboardAndSelfRulesQueryOnlySightlineSelfMetrics() {
        List<String[]> exprs = new ArrayList<>(deploy.dashboardExpressions(DeployFiles.SELF_DASHBOARD));
        exprs.addAll(deploy.selfRuleExpressions());
        for (String[] e : exprs) {
            if (!"SightlineWatchdog".equals(e[0])) {
                assertThat(DeployFiles.selfMetricNames(e[1])).as("%s: %s", e[0], e[1]).isNotEmpty();
            }
        }
        assertThat(deploy.selfRuleExpressions()).extracting(e -> e[0]).contains("SightlineIngestRejectingSamples",
                "SightlineNotificationsFailing", "SightlineWalFsyncSlow", "SightlineWatchdog");
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        if (selector.isEmpty()) {
            return false;
        }
        for (var e : selector.properties()) {
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText())) {
                return false;
            }
        }
        return true;
    }

    /** Compose short-syntax bind mounts: container path -> host path relative to the repository root. */
    private Map<String, String> bindMounts(JsonNode service, Path composeDir) {
        Map<String, String> out = new HashMap<>();
        Pattern bind = Pattern.compile("^(\\.{1,2}/[^:]*):([^:]+)(:ro)?$");
        for (String v : texts(service.path("volumes"))) {
            Matcher m = bind.matcher(v);
            if (m.matches()) {
                Path host = composeDir.resolve(m.group(1)).normalize();
                assertThat(host).as("bind mount source %s", v).exists();
                out.put(m.group(2), deploy.root.relativize(host).toString());
            }
        }
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> texts(List<JsonNode> nodes) {
        return nodes.stream().map(JsonNode::asText).toList();
    }
}
