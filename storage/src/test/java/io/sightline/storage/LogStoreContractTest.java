package io.sightline.storage;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import io.sightline.storage.model.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.sightline.storage.model.Matcher.Type.EQ;
import static io.sightline.storage.model.Matcher.Type.NEQ;
import static io.sightline.storage.model.Matcher.Type.NRE;
import static io.sightline.storage.model.Matcher.Type.RE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Behaviour every state of the real log store must keep: subclasses move what was committed into one
 * state (head, cut segment, after restart) before it is read back.
 */
public abstract class LogStoreContractTest {
    protected static final Labels API = Labels.of("service_name", "api", "env", "prod");
    protected static final Labels WEB = Labels.of("service_name", "web", "env", "prod");
    protected static final Labels DB = Labels.of("service_name", "db", "env", "dev");

    @TempDir
    protected Path dataDir;
    protected LogStore store;

    /** Brings what was committed so far into the state under test; returns the store to read from. */
    protected abstract LogStore settle(LogStore written);

    protected LogStoreConfig config() {
        return new LogStoreConfig(dataDir.resolve("logs"), 3600_000, 64L << 20, 365L * 24 * 3600_000 * 100, WalSyncMode.NEVER, 1_000);
    }

    @BeforeEach
    void openStore() {
        store = LogStore.open(config(), OpenTelemetry.noop().getMeter("test"));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected void commit(LogRecord... records) {
        LogAppender a = store.appender();
        for (LogRecord r : records) {
            a.append(r);
        }
        a.commit();
    }

    private List<LogRecord> select(long min, long max, boolean forward, List<String> mustContain, Matcher... matchers) {
        List<LogRecord> out = new ArrayList<>();
        try (LogQuerier q = store.querier(min, max)) {
            q.select(List.of(matchers), mustContain, forward, r -> out.add(r));
        }
        return out;
    }

    private List<String> bodies(List<LogRecord> records) {
        return records.stream().map(LogRecord::body).toList();
    }

    @Test
    void recordsComeBackWithEveryFieldInTimeOrder() {
        LogRecord full = new LogRecord(API, 2_000, 2_500, 17, "ERROR", "payment failed for order 42",
                "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", Labels.of("http_method", "POST", "user", "u-1"));
        commit(LogRecord.line(API, 1_000, "started"), full, LogRecord.line(API, 3_000, "done"));
        store = settle(store);

        List<LogRecord> got = select(0, 10_000, true, List.of(), Matcher.eq("service_name", "api"));
        assertThat(bodies(got)).containsExactly("started", "payment failed for order 42", "done");
        assertThat(got.get(1)).isEqualTo(full);
        // Only the rows holding the substrings come back, each with every field.
        assertThat(select(0, 10_000, true, List.of("failed", "order 4"), Matcher.eq("service_name", "api"))).containsExactly(full);
        assertThat(select(0, 10_000, false, List.of("d"), Matcher.eq("service_name", "api"))).extracting(LogRecord::body)
                .containsExactly("done", "payment failed for order 42", "started");
    }

    @Test
    void backwardDirectionGivesNewestFirstAcrossStreams() {
        commit(LogRecord.line(API, 1_000, "a1"), LogRecord.line(WEB, 1_500, "w1"), LogRecord.line(API, 2_000, "a2"),
                LogRecord.line(WEB, 2_500, "w2"));
        store = settle(store);

        assertThat(bodies(select(0, 10_000, false, List.of(), Matcher.eq("env", "prod"))))
                .containsExactly("w2", "a2", "w1", "a1");
        assertThat(bodies(select(0, 10_000, true, List.of(), Matcher.eq("env", "prod"))))
                .containsExactly("a1", "w1", "a2", "w2");
    }

    @Test
    void lateRecordsOfAStreamAreReturnedInTimestampOrder() {
        commit(LogRecord.line(API, 3_000, "third"), LogRecord.line(API, 1_000, "first"));
        commit(LogRecord.line(API, 2_000, "second"));
        store = settle(store);

        assertThat(bodies(select(0, 10_000, true, List.of(), Matcher.eq("service_name", "api"))))
                .containsExactly("first", "second", "third");
    }

    @Test
    void everyMatcherTypeSelectsStreams() {
        commit(LogRecord.line(API, 1_000, "a"), LogRecord.line(WEB, 1_000, "w"), LogRecord.line(DB, 1_000, "d"));
        store = settle(store);

        assertThat(bodies(select(0, 2_000, true, List.of(), Matcher.of(NEQ, "service_name", "api"), Matcher.eq("env", "prod"))))
                .containsExactly("w");
        assertThat(bodies(select(0, 2_000, true, List.of(), Matcher.of(RE, "service_name", "a.*|d.*"))))
                .containsExactlyInAnyOrder("a", "d");
        assertThat(bodies(select(0, 2_000, true, List.of(), Matcher.of(NRE, "env", "dev"), Matcher.of(RE, "service_name", ".+"))))
                .containsExactlyInAnyOrder("a", "w");
        assertThat(select(0, 2_000, true, List.of(), Matcher.eq("service_name", "nope"))).isEmpty();
    }

    @Test
    void timeBoundsAreInclusive() {
        commit(LogRecord.line(API, 1_000, "a"), LogRecord.line(API, 2_000, "b"), LogRecord.line(API, 3_000, "c"),
                LogRecord.line(API, 4_000, "d"));
        store = settle(store);

        assertThat(bodies(select(2_000, 3_000, true, List.of(), Matcher.eq("service_name", "api")))).containsExactly("b", "c");
        assertThat(bodies(select(2_000, 3_000, false, List.of(), Matcher.eq("service_name", "api")))).containsExactly("c", "b");
    }

    @Test
    void substringHintNeverHidesAMatchingLine() {
        List<LogRecord> batch = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String body = i == 12_345 ? "GET /checkout needle-7f3a in the middle" : "GET /home 200 " + i + " ok";
            batch.add(LogRecord.line(i % 2 == 0 ? API : WEB, 1_000L + i, body));
        }
        commit(batch.toArray(LogRecord[]::new));
        store = settle(store);

        List<LogRecord> hits = select(0, Long.MAX_VALUE, true, List.of("needle-7f"), Matcher.eq("env", "prod"));
        assertThat(hits).extracting(LogRecord::timestampNanos).containsExactly(1_000L + 12_345);
        assertThat(select(0, Long.MAX_VALUE, true, List.of("edle-7f3a in"), Matcher.eq("env", "prod")))
                .extracting(LogRecord::body).contains("GET /checkout needle-7f3a in the middle");
        assertThat(select(0, Long.MAX_VALUE, true, List.of(), Matcher.eq("env", "prod"))).hasSize(20_000);
    }

    @Test
    void nonAsciiBodiesAndEmptyBodiesRoundTrip() {
        commit(LogRecord.line(API, 1_000, "zürich → 東京 ✓"), LogRecord.line(API, 2_000, ""));
        store = settle(store);

        assertThat(bodies(select(0, 5_000, true, List.of("東京"), Matcher.eq("service_name", "api")))).contains("zürich → 東京 ✓");
        assertThat(bodies(select(0, 5_000, true, List.of(), Matcher.eq("service_name", "api")))).containsExactly("zürich → 東京 ✓", "");
    }

    @Test
    void labelNamesValuesAndStreamsComeFromStreamsInRange() {
        commit(LogRecord.line(API, 1_000, "a"), LogRecord.line(DB, 5_000, "d"));
        store = settle(store);

        try (LogQuerier q = store.querier(0, 2_000)) {
            assertThat(q.labelNames(List.of())).containsExactly("env", "service_name");
            assertThat(q.labelValues("service_name", List.of())).containsExactly("api");
            assertThat(q.streams(List.of(Matcher.eq("env", "prod")))).containsExactly(API);
        }
        try (LogQuerier q = store.querier(0, 10_000)) {
            assertThat(q.labelValues("service_name", List.of())).containsExactly("api", "db");
            assertThat(q.labelValues("env", List.of(Matcher.eq("service_name", "db")))).containsExactly("dev");
        }
    }

    @Test
    void aSelectorThatMatchesEverythingIsRejected() {
        commit(LogRecord.line(API, 1_000, "a"));
        store = settle(store);

        try (LogQuerier q = store.querier(0, 2_000)) {
            assertThatThrownBy(() -> q.select(List.of(Matcher.of(RE, "service_name", ".*")), List.of(), true, r -> true))
                    .isInstanceOf(StorageException.class).hasMessageContaining("does not match the empty string");
        }
    }

    @Test
    void visitorCanStopEarly() {
        commit(LogRecord.line(API, 1_000, "a"), LogRecord.line(API, 2_000, "b"), LogRecord.line(API, 3_000, "c"));
        store = settle(store);

        List<String> seen = new ArrayList<>();
        try (LogQuerier q = store.querier(0, 5_000)) {
            q.select(List.of(Matcher.of(EQ, "service_name", "api")), List.of(), true, r -> {
                seen.add(r.body());
                return seen.size() < 2;
            });
        }
        assertThat(seen).containsExactly("a", "b");
    }
}
