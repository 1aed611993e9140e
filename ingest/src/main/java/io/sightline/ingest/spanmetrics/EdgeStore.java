package io.sightline.ingest.spanmetrics;

import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pairs client and server spans into service graph edges, as Tempo's service graph processor does: a CLIENT
 * (or PRODUCER) span waits under (trace id, its span id), a SERVER (or CONSUMER) span under (trace id, its parent
 * span id); when both halves are there the edge completes. A client span with {@code db.name} or {@code db.system}
 * completes alone as a {@code database} edge. Halves wait at most {@code wait}; at expiry a root server span
 * becomes an edge from {@code user}, a client span with a peer attribute an edge to that peer (both
 * {@code virtual_node}); the rest are dropped. At most {@code maxItems} halves wait; more are dropped and counted.
 * Thread-safe (one lock: the work per span is a map operation).
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
    private static void database(Half h, Span s, double seconds) {
        String dbName = attribute(s, "db.name");
        if (dbName.isEmpty() && attribute(s, "db.system").isEmpty()) {
            return;
        }
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
