package io.sightline.alerting.notify.chat;

import io.sightline.alerting.notify.IntegrationParser;

import java.util.LinkedHashMap;
import java.util.Map;

/** The chat integrations by config key. */
public final class ChatIntegrations {
    public static final Map<String, IntegrationParser> PARSERS = parsers();

    private ChatIntegrations() {
    }

    private static Map<String, IntegrationParser> parsers() {
        Map<String, IntegrationParser> m = new LinkedHashMap<>();
        return Map.copyOf(m);
    }
}
