package io.sightline.alerting.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sightline.alerting.notify.discord.DiscordIntegration;
import io.sightline.alerting.notify.googlechat.GoogleChatIntegration;
import io.sightline.alerting.notify.mattermost.MattermostIntegration;
import io.sightline.alerting.notify.msteams.MsTeamsV2Integration;
import io.sightline.alerting.notify.slack.SlackIntegration;
import io.sightline.alerting.notify.telegram.TelegramIntegration;
import io.sightline.alerting.notify.webhook.WebhookIntegration;
import io.sightline.storage.model.Matcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Reads an alertmanager.yml: {@code global}, {@code route} (tree), {@code inhibit_rules}, {@code receivers}.
 * Errors name the file and the path inside it, e.g. {@code route.routes[1].receiver}.
 */
public final class NotifyConfigParser {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final long DEFAULT_GROUP_WAIT = 30_000;
    private static final long DEFAULT_GROUP_INTERVAL = 300_000;
    private static final long DEFAULT_REPEAT_INTERVAL = 4 * 3_600_000L;
    private static final Set<String> ROUTE_KEYS = Set.of("receiver", "group_by", "group_wait", "group_interval",
            "repeat_interval", "continue", "matchers", "match", "match_re", "routes", "mute_time_intervals",
            "active_time_intervals");
    private static final Map<String, IntegrationParser> INTEGRATIONS = integrations();
    /** Alertmanager receiver types Sightline cannot send to yet: loaded with a warning so existing files still load. */
    private static final Set<String> UNSUPPORTED_INTEGRATIONS = Set.of("email_configs", "pagerduty_configs",
            "opsgenie_configs", "victorops_configs", "pushover_configs", "sns_configs", "webex_configs", "wechat_configs",
            "jira_configs", "rocketchat_configs", "incidentio_configs", "msteams_configs", "signl4_configs");
    /** Alertmanager's global keys; those for receivers Sightline lacks are accepted and unused. */
    private static final Set<String> GLOBAL_KEYS = Set.of("resolve_timeout", "http_config", "http_timeout",
            "slack_api_url", "slack_api_url_file", "slack_app_token", "slack_app_token_file", "slack_app_url",
            "telegram_api_url", "telegram_bot_token", "telegram_bot_token_file", "mattermost_webhook_url",
            "mattermost_webhook_url_file", "smtp_from", "smtp_smarthost", "smtp_hello",
            "smtp_auth_username", "smtp_auth_password", "smtp_auth_password_file", "smtp_auth_secret",
            "smtp_auth_secret_file", "smtp_auth_identity", "smtp_require_tls", "smtp_tls_config",
            "smtp_force_implicit_tls", "pagerduty_url", "opsgenie_api_url", "opsgenie_api_key", "opsgenie_api_key_file",
            "wechat_api_url", "wechat_api_secret", "wechat_api_secret_file", "wechat_api_corp_id", "victorops_api_url",
            "victorops_api_key", "victorops_api_key_file", "webex_api_url", "jira_api_url", "rocketchat_api_url",
            "rocketchat_token", "rocketchat_token_file", "rocketchat_token_id", "rocketchat_token_id_file");
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(NotifyConfigParser.class);

    private final UnaryOperator<String> env;
    private final String externalUrl;
    private final long defaultTimeoutMillis;

    public NotifyConfigParser(UnaryOperator<String> env, String externalUrl, long defaultTimeoutMillis) {
        this.env = env;
        this.externalUrl = externalUrl;
        this.defaultTimeoutMillis = defaultTimeoutMillis;
    }

    private static Map<String, IntegrationParser> integrations() {
        Map<String, IntegrationParser> m = new LinkedHashMap<>();
        m.put("webhook_configs", WebhookIntegration::parse);
        m.put("slack_configs", SlackIntegration::parse);
        m.put("discord_configs", DiscordIntegration::parse);
        m.put("msteamsv2_configs", MsTeamsV2Integration::parse);
        m.put("mattermost_configs", MattermostIntegration::parse);
        m.put("telegram_configs", TelegramIntegration::parse);
        m.put("googlechat_configs", GoogleChatIntegration::parse);
        return java.util.Collections.unmodifiableMap(m); // keeps the order, so a receiver's integrations are stable
    }

    /** @throws IllegalArgumentException naming the file and the bad key */
    public NotifyConfig parse(Path file) {
        JsonNode root;
        String text;
        try {
            text = Files.readString(file);
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read alerting config " + file + ": " + e.getMessage(), e);
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            return parse(root == null ? YAML.createObjectNode() : root, dir, text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    NotifyConfig parse(JsonNode root, Path baseDir, String original) {
        ConfigReader top = new ConfigReader(root, "", env);
        top.allowOnly(Set.of("global", "route", "inhibit_rules", "receivers", "templates", "time_intervals",
                "mute_time_intervals", "tracing"));
        top.warnUnused(log, "Sightline traces nothing of its own notifications yet", "tracing");
        List<String> globs = strings(root.path("templates"));
        NotifyTemplates templates = globs.isEmpty() ? NotifyTemplates.defaults() : NotifyTemplates.load(globs, baseDir);
        ConfigReader global = top.child("global", "global");
        if (root.has("global")) {
            global.allowOnly(GLOBAL_KEYS);
        }
        String slackUrl = global.secret("slack_api_url", "slack_api_url_file", null, false);
        String slackToken = global.secret("slack_app_token", "slack_app_token_file", null, false);
        if (slackUrl != null && slackToken != null) {
            throw new IllegalArgumentException("global: at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be configured");
        }
        Globals globals = new Globals(slackUrl, slackToken, global.string("slack_app_url", null),
                global.string("telegram_api_url", "https://api.telegram.org"),
                global.secret("telegram_bot_token", "telegram_bot_token_file", null, false),
                global.secret("mattermost_webhook_url", "mattermost_webhook_url_file", null, false),
                externalUrl, global.durationMillis("http_timeout", defaultTimeoutMillis),
                HttpSettingsParser.parse(global, HttpSettings.DEFAULT), templates);
        Map<String, List<TimeInterval>> intervals = timeIntervals(root);
        Map<String, List<Integration>> receivers = new LinkedHashMap<>();
        int ri = 0;
        for (JsonNode r : root.path("receivers")) {
            String where = "receivers[" + ri++ + "]";
            ConfigReader rr = new ConfigReader(r, where, env);
            Set<String> keys = new java.util.HashSet<>(INTEGRATIONS.keySet());
            keys.addAll(UNSUPPORTED_INTEGRATIONS);
            keys.add("name");
            rr.allowOnly(keys);
            String name = rr.string("name", "");
            if (name.isEmpty()) {
                throw new IllegalArgumentException(where + ": missing name");
            }
            for (String unsupported : UNSUPPORTED_INTEGRATIONS) {
                if (r.path(unsupported).size() > 0) {
                    // WARN: these alerts are not delivered there; the rest of the file keeps working as it did
                    log.warn("receiver type not supported yet, its entries send nothing [receiver={}, type={}, count={}]",
                            name, unsupported, r.path(unsupported).size());
                }
            }
            List<Integration> list = new ArrayList<>();
            for (Map.Entry<String, IntegrationParser> e : INTEGRATIONS.entrySet()) {
                int i = 0;
                for (JsonNode c : r.path(e.getKey())) {
                    list.add(e.getValue().parse(new ConfigReader(c, where + "." + e.getKey() + "[" + i + "]", env), i, globals));
                    i++;
                }
            }
            if (receivers.put(name, List.copyOf(list)) != null) {
                throw new IllegalArgumentException(where + ": receiver \"" + name + "\" is defined twice");
            }
        }
        RouteNode route = null;
        if (root.has("route")) {
            route = route(new ConfigReader(root.get("route"), "route", env), null, "0", receivers, intervals.keySet());
        } else if (!receivers.isEmpty()) {
            throw new IllegalArgumentException("no route provided in config");
        }
        List<InhibitRule> inhibit = new ArrayList<>();
        int ii = 0;
        for (JsonNode n : root.path("inhibit_rules")) {
            ConfigReader r = new ConfigReader(n, "inhibit_rules[" + ii++ + "]", env);
            r.allowOnly(Set.of("name", "source_matchers", "target_matchers", "equal", "source_match", "target_match",
                    "source_match_re", "target_match_re"));
            inhibit.add(new InhibitRule(matchers(r, "source_matchers", "source_match", "source_match_re"),
                    matchers(r, "target_matchers", "target_match", "target_match_re"), strings(n.path("equal"))));
        }
        return new NotifyConfig(route, List.copyOf(inhibit), receivers, intervals, original);
    }

    /** {@code time_intervals} and the deprecated {@code mute_time_intervals}; names are unique across both. */
    private static Map<String, List<TimeInterval>> timeIntervals(JsonNode root) {
        Map<String, List<TimeInterval>> out = new LinkedHashMap<>();
        for (String key : List.of("mute_time_intervals", "time_intervals")) {
            int i = 0;
            for (JsonNode ti : root.path(key)) {
                String where = key + "[" + i++ + "]";
                String name = ti.path("name").asText("");
                if (name.isEmpty()) {
                    throw new IllegalArgumentException(where + ": missing name in time interval");
                }
                for (Iterator<String> it = ti.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (!f.equals("name") && !f.equals("time_intervals")) {
                        throw new IllegalArgumentException(where + ": unknown field \"" + f + "\" (known: [name, time_intervals])");
                    }
                }
                List<TimeInterval> specs = new ArrayList<>();
                int j = 0;
                for (JsonNode spec : ti.path("time_intervals")) {
                    specs.add(TimeInterval.parse(spec, where + ".time_intervals[" + j++ + "]"));
                }
                if (out.put(name, List.copyOf(specs)) != null) {
                    throw new IllegalArgumentException(where + ": time interval \"" + name + "\" is not unique");
                }
            }
        }
        return Map.copyOf(out);
    }

    private RouteNode route(ConfigReader r, RouteNode parent, String id, Map<String, List<Integration>> receivers,
                            Set<String> intervals) {
        r.allowOnly(ROUTE_KEYS);
        List<String> mute = strings(r.node().path("mute_time_intervals"));
        List<String> active = strings(r.node().path("active_time_intervals"));
        if (parent == null && !mute.isEmpty()) {
            throw new IllegalArgumentException(r.where() + ": root route must not have any mute time intervals");
        }
        if (parent == null && !active.isEmpty()) {
            throw new IllegalArgumentException(r.where() + ": root route must not have any active time intervals");
        }
        for (String name : concat(mute, active)) {
            if (!intervals.contains(name)) {
                throw new IllegalArgumentException(r.where() + ": undefined time interval \"" + name + "\" used in route");
            }
        }
        String receiver = r.string("receiver", parent == null ? null : parent.receiver());
        if (receiver == null) {
            throw new IllegalArgumentException(r.where() + ": root route must specify a default receiver");
        }
        if (!receivers.containsKey(receiver)) {
            throw new IllegalArgumentException(r.where() + ".receiver: undefined receiver \"" + receiver + "\" used in route");
        }
        List<Matcher> matchers = matchers(r, "matchers", "match", "match_re");
        if (parent == null && !matchers.isEmpty()) {
            throw new IllegalArgumentException(r.where() + ": root route must not have any matchers");
        }
        List<String> groupBy = parent == null ? List.of() : parent.groupBy();
        boolean isAll = parent != null && parent.isGroupByAll();
        if (r.node().has("group_by")) {
            groupBy = strings(r.node().get("group_by"));
            isAll = groupBy.contains("...");
            if (isAll && groupBy.size() > 1) {
                throw new IllegalArgumentException(r.where() + ".group_by: cannot have wildcard group_by (`...`) and other labels at the same time");
            }
        }
        long wait = r.durationMillis("group_wait", parent == null ? DEFAULT_GROUP_WAIT : parent.groupWaitMillis());
        long interval = r.durationMillis("group_interval", parent == null ? DEFAULT_GROUP_INTERVAL : parent.groupIntervalMillis());
        long repeat = r.durationMillis("repeat_interval", parent == null ? DEFAULT_REPEAT_INTERVAL : parent.repeatIntervalMillis());
        if (interval <= 0 || repeat <= 0) {
            throw new IllegalArgumentException(r.where() + ": group_interval and repeat_interval must be positive");
        }
        String key = parent == null ? "{}" : parent.key() + "/" + RouteNode.matchersKey(matchers);
        RouteNode self = new RouteNode(receiver, matchers, List.copyOf(groupBy), isAll, wait, interval, repeat,
                r.bool("continue", false), List.of(), key, id, List.copyOf(mute), List.copyOf(active));
        List<RouteNode> children = new ArrayList<>();
        int i = 0;
        for (JsonNode c : r.node().path("routes")) {
            children.add(route(new ConfigReader(c, r.where() + ".routes[" + i + "]", env), self, id + "/" + i, receivers,
                    intervals));
            i++;
        }
        return new RouteNode(receiver, matchers, self.groupBy(), isAll, wait, interval, repeat, self.isContinue(),
                List.copyOf(children), key, id, self.muteTimeIntervals(), self.activeTimeIntervals());
    }

    private static List<Matcher> matchers(ConfigReader r, String key, String legacyEq, String legacyRe) {
        List<Matcher> out = new ArrayList<>();
        try {
            out.addAll(Matchers.parseAll(strings(r.node().path(key))));
            for (Iterator<Map.Entry<String, JsonNode>> it = r.node().path(legacyEq).properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.add(Matcher.eq(e.getKey(), e.getValue().asText()));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = r.node().path(legacyRe).properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.add(Matcher.of(Matcher.Type.RE, e.getKey(), e.getValue().asText()));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(r.where() + "." + key + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (JsonNode x : n) {
            out.add(x.asText());
        }
        return out;
    }
}
