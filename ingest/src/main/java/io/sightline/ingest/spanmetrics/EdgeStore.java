package io.sightline.ingest.spanmetrics;

import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pairs client and server spans into service graph edges, as Tempo's service graph processor does: a CLIENT
 * (or PRODUCER) span waits under (trace id, its span id), a SERVER (or CONSUMER) span under (trace id, its parent
 * span id); when both halves are there the edge completes. A client span with {@code db.name} or {@code db.system}
 * completes alone as a {@code database} edge. Halves wait at most {@code wait}; at expiry a root server span
 * becomes an edge from {@code user}, a client span with a peer attribute an edge to that peer (both
 * {@code virtual_node}); the rest are dropped. At most {@code maxItems} halves wait; more are dropped and counted.
 * Thread-safe (one lock, taken once per committed batch: taking it per span made the write threads queue on it).
 */
final class EdgeStore {
    /** Receives completed edges, under the store's lock. */
    interface Sink {
        void complete(EdgeKey key, boolean failed, double serverSeconds, double clientSeconds);
    }

    private static final String[] PEER_ATTRIBUTES = {"peer.service", "db.name", "db.system"};

    private static final class Half {
        String client = "";
        String server = "";
        String connectionType = "";
        String peer = "";
        double clientSeconds;
        double serverSeconds;
        boolean failed;
        boolean rootServer;
        long expiresAtMillis;
    }

    private final long waitMillis;
    private final int maxItems;
    private final Sink sink;
    private final Map<String, Half> waiting = new LinkedHashMap<>();
    private long dropped;
    private long expired;

    EdgeStore(long waitMillis, int maxItems, Sink sink) {
        this.waitMillis = waitMillis;
        this.maxItems = maxItems;
        this.sink = sink;
    }

    synchronized void offer(Span s, long nowMillis) {
        offerOne(s, nowMillis);
    }

    /** {@link #offer} for each span of a committed batch, under one lock. */
    synchronized void offerAll(List<Span> spans, long nowMillis) {
        for (int i = 0, n = spans.size(); i < n; i++) {
            offerOne(spans.get(i), nowMillis);
        }
    }

    private void offerOne(Span s, long nowMillis) {
        String service = s.service();
        if (service.isEmpty()) {
            return; // as Tempo: a span without service.name is no node
        }
        boolean clientSide;
        String connectionType = "";
        switch (s.kind()) {
            case Span.KIND_PRODUCER -> {
                clientSide = true;
                connectionType = EdgeKey.MESSAGING_SYSTEM;
            }
            case Span.KIND_CLIENT -> clientSide = true;
            case Span.KIND_CONSUMER -> {
                clientSide = false;
                connectionType = EdgeKey.MESSAGING_SYSTEM;
            }
            case Span.KIND_SERVER -> clientSide = false;
            default -> {
                return;
            }
        }
        String key = s.traceId() + (clientSide ? s.spanId() : s.parentSpanId());
        Half h = waiting.get(key);
        if (h == null && clientSide && isDatabaseCall(s)) {
            // a named database completes the edge alone: no need to park it in the map only to take it out again
            Half alone = new Half();
            alone.client = service;
            alone.clientSeconds = s.durationNanos() / 1e9;
            alone.failed = s.statusCode() == Span.STATUS_ERROR;
            database(alone, s, alone.clientSeconds);
            if (!alone.server.isEmpty()) {
                sink.complete(new EdgeKey(alone.client, alone.server, alone.connectionType), alone.failed,
                        alone.serverSeconds, alone.clientSeconds);
                return;
            }
        }
        if (h == null) {
            if (waiting.size() >= maxItems) {
                dropped++;
                return;
            }
            h = new Half();
            h.expiresAtMillis = nowMillis + waitMillis;
            waiting.put(key, h);
        }
        h.connectionType = connectionType;
        double seconds = s.durationNanos() / 1e9;
        h.failed |= s.statusCode() == Span.STATUS_ERROR;
        if (clientSide) {
            h.client = service;
            h.clientSeconds = seconds;
            h.peer = firstOf(s.attributes(), PEER_ATTRIBUTES);
            database(h, s, seconds);
        } else {
            h.server = service;
            h.serverSeconds = seconds;
            h.rootServer = s.isRoot();
        }
        if (!h.client.isEmpty() && !h.server.isEmpty()) {
            waiting.remove(key);
            sink.complete(new EdgeKey(h.client, h.server, h.connectionType), h.failed, h.serverSeconds, h.clientSeconds);
        }
    }

    /** A client span of a database call names the database as its server (Tempo's order of attributes). */
    private static boolean isDatabaseCall(Span s) {
        return !attribute(s, "db.name").isEmpty() || !attribute(s, "db.system").isEmpty();
    }

    private static void database(Half h, Span s, double seconds) {
        if (!isDatabaseCall(s)) {
            return;
        }
        String dbName = attribute(s, "db.name");
        h.connectionType = EdgeKey.DATABASE;
        h.serverSeconds = seconds;
        String server = attribute(s, "peer.service");
        if (server.isEmpty()) {
            server = attribute(s, "server.address");
        }
        if (server.isEmpty()) {
            String host = attribute(s, "network.peer.address");
            String port = attribute(s, "network.peer.port");
            server = host.isEmpty() || port.isEmpty() ? host : host + ":" + port;
        }
        h.server = server.isEmpty() ? dbName : server;
    }

    /** Expires halves that waited {@code wait}; completes the virtual-node edges among them. */
    synchronized void expire(long nowMillis) {
        for (Iterator<Half> it = waiting.values().iterator(); it.hasNext(); ) {
            Half h = it.next();
            if (h.expiresAtMillis > nowMillis) {
                break; // insertion order is expiry order
            }
            it.remove();
            expired++;
            if (h.client.isEmpty() && h.rootServer) {
                sink.complete(new EdgeKey("user", h.server, EdgeKey.VIRTUAL_NODE), h.failed, h.serverSeconds, h.clientSeconds);
            } else if (h.server.isEmpty() && !h.peer.isEmpty()) {
                sink.complete(new EdgeKey(h.client, h.peer, EdgeKey.VIRTUAL_NODE), h.failed, h.serverSeconds, h.clientSeconds);
            }
        }
    }

    synchronized int waiting() {
        return waiting.size();
    }

    synchronized long dropped() {
        return dropped;
    }

    synchronized long expired() {
        return expired;
    }

    private static String attribute(Span s, String key) {
        String v = s.attributes().get(key);
        if (v == null) {
            v = s.resource().get(key);
        }
        return v == null ? "" : v;
    }

    private static String firstOf(Attributes a, String[] keys) {
        for (String k : keys) {
            String v = a.get(k);
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return "";
    }
}
