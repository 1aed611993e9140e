package io.sightline.ingest.spanmetrics;

import io.sightline.storage.model.Labels;

/**
 * The label set of service graph series, as Tempo names them: {@code client}, {@code server} and
 * {@code connection_type} ({@code ""} for a plain request, which drops the label, {@code messaging_system},
 * {@code database} or {@code virtual_node}).
 */
record EdgeKey(String client, String server, String connectionType) {
    static final String MESSAGING_SYSTEM = "messaging_system";
    static final String DATABASE = "database";
    static final String VIRTUAL_NODE = "virtual_node";

    Labels labels() {
        return Labels.builder().set("client", client).set("server", server).set("connection_type", connectionType).build();
    }

    /** The key of a stored series' labels, or null when they are not service graph labels. */
    static EdgeKey fromLabels(Labels l) {
        String client = l.get("client");
        String server = l.get("server");
        if (client == null || server == null) {
            return null;
        }
        return new EdgeKey(client, server, SpanKey.orEmpty(l.get("connection_type")));
    }
}
