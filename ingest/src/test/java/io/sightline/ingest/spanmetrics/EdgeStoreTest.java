package io.sightline.ingest.spanmetrics;

import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Service graph pairing as Tempo does it: client/server halves, database and messaging edges, virtual nodes. */
class EdgeStoreTest {
    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

    record Edge(EdgeKey key, boolean failed, double serverSeconds, double clientSeconds) {
    }

    private final List<Edge> edges = new ArrayList<>();
    private final EdgeStore store = new EdgeStore(10_000, 3, (k, f, s, c) -> edges.add(new Edge(k, f, s, c)));

    static Span span(String service, String id, String parent, int kind, long millis, int status, String... attrs) {
        return new Span(TRACE, id, parent, "", "op", kind, 1_000_000_000L, 1_000_000_000L + millis * 1_000_000L, status, "",
                Attributes.ofStrings(attrs), Attributes.ofStrings("service.name", service), "", "", List.of(), List.of());
    }

    @Test
    void aClientSpanAndTheServerSpanBelowItMakeOneEdgeInEitherOrder() {
        store.offer(span("frontend", "000000000000000a", "", Span.KIND_CLIENT, 300, Span.STATUS_UNSET), 0);
        assertThat(edges).isEmpty();
        store.offer(span("checkout", "000000000000000b", "000000000000000a", Span.KIND_SERVER, 200, Span.STATUS_ERROR), 1);
        assertThat(edges).containsExactly(new Edge(new EdgeKey("frontend", "checkout", ""), true, 0.2, 0.3));

        store.offer(span("checkout", "000000000000000d", "000000000000000c", Span.KIND_SERVER, 100, Span.STATUS_OK), 2);
        store.offer(span("frontend", "000000000000000c", "", Span.KIND_CLIENT, 150, Span.STATUS_OK), 3);
        assertThat(edges).last().isEqualTo(new Edge(new EdgeKey("frontend", "checkout", ""), false, 0.1, 0.15));
        assertThat(store.waiting()).isZero();
    }

    @Test
    void producerAndConsumerMakeAMessagingSystemEdge() {
        store.offer(span("orders", "000000000000000a", "", Span.KIND_PRODUCER, 5, Span.STATUS_UNSET), 0);
        store.offer(span("mailer", "000000000000000b", "000000000000000a", Span.KIND_CONSUMER, 50, Span.STATUS_UNSET), 0);
        assertThat(edges).extracting(Edge::key).containsExactly(new EdgeKey("orders", "mailer", "messaging_system"));
    }

    @Test
    void aDatabaseClientSpanCompletesAloneNamedByPeerServiceOrServerAddressOrDbName() {
        store.offer(span("checkout", "000000000000000a", "", Span.KIND_CLIENT, 20, Span.STATUS_UNSET,
                "db.system", "postgresql", "server.address", "pg-1"), 0);
        store.offer(span("checkout", "000000000000000b", "", Span.KIND_CLIENT, 20, Span.STATUS_UNSET,
                "db.name", "orders"), 0);
        assertThat(edges).extracting(Edge::key).containsExactly(new EdgeKey("checkout", "pg-1", "database"),
                new EdgeKey("checkout", "orders", "database"));
        assertThat(edges.getFirst().serverSeconds()).isEqualTo(0.02);
    }

    @Test
    void namedDatabaseCallsNeverWaitSoTheyNeitherFillTheStoreNorGetDropped() {
        for (int i = 0; i < 10; i++) { // the store holds 3 halves
            store.offer(span("checkout", String.format("%016x", i + 1), "", Span.KIND_CLIENT, 20, Span.STATUS_UNSET,
                    "db.system", "redis", "server.address", "cache-1"), 0);
        }
        assertThat(edges).hasSize(10).extracting(Edge::key).containsOnly(new EdgeKey("checkout", "cache-1", "database"));
        assertThat(store.waiting()).isZero();
        assertThat(store.dropped()).isZero();
    }

    @Test
    void aCommittedBatchMakesTheSameEdgesAsItsSpansOfferedOneByOne() {
        List<Span> batch = List.of(
                span("frontend", "000000000000000a", "", Span.KIND_CLIENT, 300, Span.STATUS_UNSET),
                span("checkout", "000000000000000c", "000000000000000b", Span.KIND_CLIENT, 20, Span.STATUS_UNSET,
                        "db.name", "orders"),
                span("checkout", "000000000000000b", "000000000000000a", Span.KIND_SERVER, 200, Span.STATUS_ERROR),
                span("checkout", "000000000000000d", "000000000000000b", Span.KIND_INTERNAL, 5, Span.STATUS_UNSET));
        batch.forEach(s -> store.offer(s, 0));
        List<Edge> oneByOne = List.copyOf(edges);
        edges.clear();

        store.offerAll(batch, 0);

        assertThat(edges).containsExactlyElementsOf(oneByOne).hasSize(2);
        assertThat(store.waiting()).isZero();
    }

    @Test
    void expiredHalvesBecomeUserAndPeerVirtualNodesOrAreDropped() {
        store.offer(span("frontend", "000000000000000a", "", Span.KIND_SERVER, 10, Span.STATUS_UNSET), 0);
        store.offer(span("checkout", "000000000000000b", "", Span.KIND_CLIENT, 10, Span.STATUS_UNSET, "peer.service", "stripe"), 0);
        store.offer(span("checkout", "000000000000000c", "", Span.KIND_CLIENT, 10, Span.STATUS_UNSET), 0);
        store.expire(9_999);
        assertThat(edges).isEmpty();
        store.expire(10_000);
        assertThat(edges).extracting(Edge::key).containsExactly(new EdgeKey("user", "frontend", "virtual_node"),
                new EdgeKey("checkout", "stripe", "virtual_node"));
        assertThat(store.expired()).isEqualTo(3);
        assertThat(store.waiting()).isZero();
    }

    @Test
    void pastMaxItemsNewHalvesAreDroppedAndCounted() {
        for (int i = 1; i <= 5; i++) {
            store.offer(span("frontend", "00000000000000a" + i, "", Span.KIND_CLIENT, 10, Span.STATUS_UNSET), 0);
        }
        assertThat(store.waiting()).isEqualTo(3);
        assertThat(store.dropped()).isEqualTo(2);
    }

    @Test
    void internalSpansAndSpansWithoutServiceAreNoEdges() {
        store.offer(span("frontend", "000000000000000a", "", Span.KIND_INTERNAL, 10, Span.STATUS_UNSET), 0);
        store.offer(span("", "000000000000000b", "", Span.KIND_CLIENT, 10, Span.STATUS_UNSET), 0);
        assertThat(store.waiting()).isZero();
    }
}
