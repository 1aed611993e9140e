package io.sightline.alerting.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sightline.alerting.notify.Json;
import io.sightline.alerting.notify.Silences;
import io.sightline.query.HttpCall;
import io.sightline.query.HttpResult;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Alertmanager's v2 silence API: {@code GET/POST /api/v2/silences}, {@code GET/DELETE /api/v2/silence/{id}}.
 * Errors are plain JSON strings with 400/404, as Alertmanager answers.
 */
public final class SilencesApi {
    public static final String SILENCE_PREFIX = "/api/v2/silence/";
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final Silences silences;
    private final Clock clock;

    public SilencesApi(Silences silences, Clock clock) {
        this.silences = silences;
        this.clock = clock;
    }

    /**
     * Lists silences; with {@code filter} matchers (repeatable) only those having, for each filter matcher, a matcher
     * of the same name whose value it matches, as Alertmanager filters.
     */
    public HttpResult list(HttpCall call) {
        List<io.sightline.storage.model.Matcher> filter;
        try {
            filter = io.sightline.alerting.notify.Matchers.parseAll(call.params().getOrDefault("filter", List.of()));
        } catch (IllegalArgumentException e) {
            return plainError(400, "bad matcher format: " + e.getMessage());
        }
        long now = clock.millis();
        ArrayNode arr = ApiJson.MAPPER.createArrayNode();
        for (Silences.Silence s : silences.list()) {
            if (filter.stream().allMatch(m -> s.matchers().stream()
                    .anyMatch(sm -> sm.name().equals(m.name()) && m.matches(sm.value())))) {
                arr.add(toJson(s, now));
            }
        }
        return ApiJson.json(200, arr);
    }

    public HttpResult post(HttpCall call) {
        if (call.body().length > MAX_BODY_BYTES) {
            return plainError(400, "silence body of " + call.body().length + " bytes exceeds the limit of " + MAX_BODY_BYTES);
        }
        try {
            JsonNode n = ApiJson.MAPPER.readTree(call.body());
            if (n == null || !n.isObject()) {
                return plainError(400, "body must be a silence object");
            }
            List<Silences.SilenceMatcher> ms = new ArrayList<>();
            for (JsonNode m : n.path("matchers")) {
                ms.add(new Silences.SilenceMatcher(m.path("name").asText(""), m.path("value").asText(""),
                        m.path("isRegex").asBoolean(false), m.path("isEqual").asBoolean(true)));
            }
            long now = clock.millis();
            long starts = n.hasNonNull("startsAt") ? Instant.parse(n.get("startsAt").asText()).toEpochMilli() : now;
            if (!n.hasNonNull("endsAt")) {
                return plainError(400, "endsAt is required");
            }
            long ends = Instant.parse(n.get("endsAt").asText()).toEpochMilli();
            if (ends <= now) {
                return plainError(400, "silence end time can't be in the past");
            }
            String id = silences.upsert(n.path("id").asText(null), ms, starts, ends, n.path("createdBy").asText(""),
                    n.path("comment").asText(""), now);
            ObjectNode out = ApiJson.MAPPER.createObjectNode();
            out.put("silenceID", id);
            return ApiJson.json(200, out);
        } catch (IOException | DateTimeParseException | IllegalArgumentException e) {
            return plainError(400, e.getMessage());
        } catch (NoSuchElementException e) {
            return plainError(404, e.getMessage());
        }
    }

    public HttpResult one(HttpCall call) {
        String id = call.path().substring(SILENCE_PREFIX.length());
        long now = clock.millis();
        if (call.method().equals("DELETE")) {
            return silences.expire(id, now) ? new HttpResult(200, "application/json", java.util.Map.of(), new byte[0])
                    : plainError(404, "silence " + id + " not found");
        }
        Silences.Silence s = silences.get(id);
        return s == null ? plainError(404, "silence " + id + " not found") : ApiJson.json(200, toJson(s, now));
    }

    private static ObjectNode toJson(Silences.Silence s, long now) {
        ObjectNode x = ApiJson.MAPPER.createObjectNode();
        x.put("id", s.id());
        ObjectNode status = x.putObject("status");
        status.put("state", s.state(now));
        x.put("updatedAt", Json.time(s.updatedAtMillis()));
        ArrayNode ms = x.putArray("matchers");
        for (Silences.SilenceMatcher m : s.matchers()) {
            ObjectNode mn = ms.addObject();
            mn.put("name", m.name());
            mn.put("value", m.value());
            mn.put("isRegex", m.isRegex());
            mn.put("isEqual", m.isEqual());
        }
        x.put("startsAt", Json.time(s.startsAtMillis()));
        x.put("endsAt", Json.time(s.endsAtMillis()));
        x.put("createdBy", s.createdBy());
        x.put("comment", s.comment());
        return x;
    }

    private static HttpResult plainError(int status, String message) {
        return ApiJson.json(status, ApiJson.MAPPER.getNodeFactory().textNode(message));
    }
}
