package io.sightline.query.api;

import io.sightline.query.HttpCall;
import io.sightline.query.LogQueryEngine;
import io.sightline.query.LogQueryResult;
import io.sightline.query.LogTail;
import io.sightline.query.QueryException;
import io.sightline.storage.LogStore;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code /loki/api/v1/tail}: Loki's live tail over a WebSocket, as Grafana's live mode uses it. A client first gets
 * up to {@code limit} lines from {@code start} (default an hour ago) to now, then every newly committed record the
 * query keeps, batched about every {@value #FLUSH_MILLIS} ms (after {@code delay_for} seconds, 0 to 5). Each
 * message is {@code {"streams":[...],"dropped_entries":[...]}}. A client too slow to take what arrives loses the
 * overflow past {@value #MAX_QUEUED} queued records; what was lost is reported in {@code dropped_entries}.
 */
final class LokiTail implements SocketHandler {
    private static final Logger log = LoggerFactory.getLogger(LokiTail.class);
    static final int FLUSH_MILLIS = 200;
    static final int MAX_QUEUED = 20_000;
    /** Loki reports at most this many dropped entries per message. */
    private static final int MAX_DROPPED_REPORTED = 100;
    private static final int MAX_DELAY_SECONDS = 5;
    private static final long HOUR = 3_600_000_000_000L;

    private final LogQueryEngine engine;
    private final LogStore store;
    private final Clock clock;

    LokiTail(LogQueryEngine engine, LogStore store, Clock clock) {
        this.engine = engine;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Reply handle(HttpCall call) {
        return PlainText.reply(400,
                "/loki/api/v1/tail is a WebSocket endpoint: connect with Connection: Upgrade and Upgrade: websocket");
    }

    @Override
    public Session prepare(HttpCall call) {
        String query = call.param("query");
        if (query == null || query.isBlank()) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA, "missing required parameter \"query\"");
        }
        long now = clock.millis() * 1_000_000L;
        long start = LokiParams.time(call, "start", now - HOUR);
        int limit = LokiParams.limit(call);
        if (limit <= 0) {
            throw LokiParams.invalid("limit", call.param("limit"), "must be > 0");
        }
        long delay = delaySeconds(call);
        LogTail filter = engine.tail(query);
        return new TailSession(query, filter, start, limit, delay * 1000);
    }

    private static long delaySeconds(HttpCall call) {
        String v = call.param("delay_for");
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            long d = Long.parseLong(v);
            if (d >= 0 && d <= MAX_DELAY_SECONDS) {
                return d;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw LokiParams.invalid("delay_for", v, "must be a whole number of seconds from 0 to " + MAX_DELAY_SECONDS);
    }

    /** One tailing client: a bounded queue filled by the store's commits, drained by the client's own virtual thread. */
    private final class TailSession implements Session {
        private final String query;
        private final LogTail filter;
        private final long startNanos;
        private final int limit;
        private final long delayMillis;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition arrived = lock.newCondition();
        /** Batches in arrival order, with their arrival time for delay_for. */
        private final ArrayDeque<Batch> queue = new ArrayDeque<>();
        private final List<LogRecord> dropped = new ArrayList<>();
        private int queued;
        private boolean ended;
        private LogStore.Subscription subscription;

        TailSession(String query, LogTail filter, long startNanos, int limit, long delayMillis) {
            this.query = query;
            this.filter = filter;
            this.startNanos = startNanos;
            this.limit = limit;
            this.delayMillis = delayMillis;
        }

        @Override
        public void begin(Sender out) {
            subscription = store.subscribe(this::offer);
            Thread.ofVirtual().name("sightline-loki-tail").start(() -> run(out));
        }

        private void offer(List<LogRecord> records) {
            lock.lock();
            try {
                if (ended) {
                    return;
                }
                if (queued + records.size() > MAX_QUEUED) {
                    for (LogRecord r : records) {
                        if (dropped.size() < MAX_DROPPED_REPORTED) {
                            dropped.add(r);
                        }
                    }
                    return;
                }
                queue.add(new Batch(clock.millis(), records));
                queued += records.size();
                arrived.signal();
            } finally {
                lock.unlock();
            }
        }

        private void run(Sender out) {
            try {
                Set<String> seen = history(out);
                long forgetSeenAt = clock.millis() + 10_000;
                while (true) {
                    List<LogRecord> batch = new ArrayList<>();
                    List<LogRecord> lost;
                    lock.lock();
                    try {
                        if (!ended && queue.isEmpty()) {
                            arrived.await(FLUSH_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
                        }
                        if (ended) {
                            return;
                        }
                        long due = clock.millis() - delayMillis;
                        while (!queue.isEmpty() && queue.peek().arrivedMillis() <= due) {
                            Batch b = queue.poll();
                            batch.addAll(b.records());
                            queued -= b.records().size();
                        }
                        lost = dropped.isEmpty() ? List.of() : List.copyOf(dropped);
                        dropped.clear();
                    } finally {
                        lock.unlock();
                    }
                    if (seen != null && clock.millis() > forgetSeenAt) {
                        seen = null; // records committed while the history was read have all been seen by now
                    }
                    List<LogQueryResult.Stream> streams = filter.apply(batch);
                    if (seen != null) {
                        streams = withoutSeen(streams, seen);
                    }
                    if (!streams.isEmpty() || !lost.isEmpty()) {
                        if (!out.isWritable()) {
                            lost = new ArrayList<>(lost);
                            for (LogQueryResult.Stream s : streams) {
                                for (LogQueryResult.Entry e : s.entries()) {
                                    if (lost.size() < MAX_DROPPED_REPORTED) {
                                        lost.add(LogRecord.line(s.labels(), e.timestampNanos(), ""));
                                    }
                                }
                            }
                            streams = List.of();
                        }
                        out.text(message(streams, lost));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (QueryException e) {
                out.close(1011, truncate(e.getMessage()));
            } catch (RuntimeException e) {
                log.warn("live tail failed [query={}, error={}]", query, e.toString());
                out.close(1011, truncate("internal error: " + e));
            } finally {
                end();
            }
        }

        /** Sends the lines from start to now (oldest first, at most limit); returns their keys to skip repeats. */
        private Set<String> history(Sender out) {
            long now = clock.millis() * 1_000_000L;
            if (startNanos >= now) {
                return Set.of();
            }
            LogQueryResult r = engine.rangeQuery(query, startNanos, now, 1_000_000_000L, limit, false);
            Set<String> seen = new HashSet<>();
            List<LogQueryResult.Stream> forward = new ArrayList<>();
            for (LogQueryResult.Stream s : r.streams()) {
                List<LogQueryResult.Entry> entries = new ArrayList<>(s.entries());
                java.util.Collections.reverse(entries);
                forward.add(new LogQueryResult.Stream(s.labels(), entries));
                for (LogQueryResult.Entry e : entries) {
                    seen.add(key(s.labels(), e));
                }
            }
            if (!forward.isEmpty()) {
                out.text(message(forward, List.of()));
            }
            return seen;
        }

        @Override
        public void end() {
            lock.lock();
            try {
                if (ended) {
                    return;
                }
                ended = true;
                queue.clear();
                arrived.signal();
            } finally {
                lock.unlock();
            }
            if (subscription != null) {
                subscription.close();
            }
        }
    }

    private record Batch(long arrivedMillis, List<LogRecord> records) {
    }

    private static String key(Labels labels, LogQueryResult.Entry e) {
        return e.timestampNanos() + "\u0000" + e.line() + "\u0000" + labels;
    }

    private static List<LogQueryResult.Stream> withoutSeen(List<LogQueryResult.Stream> streams, Set<String> seen) {
        List<LogQueryResult.Stream> out = new ArrayList<>(streams.size());
        for (LogQueryResult.Stream s : streams) {
            List<LogQueryResult.Entry> kept = s.entries().stream().filter(e -> !seen.contains(key(s.labels(), e))).toList();
            if (!kept.isEmpty()) {
                out.add(new LogQueryResult.Stream(s.labels(), kept));
            }
        }
        return out;
    }

    /** A WebSocket close reason holds at most 123 bytes. */
    private static String truncate(String reason) {
        byte[] b = String.valueOf(reason).getBytes(StandardCharsets.UTF_8);
        return b.length <= 120 ? reason : new String(b, 0, 120, StandardCharsets.UTF_8);
    }

    /** Loki's {@code [{"stream":{...},"values":[["<ns>","<line>"],...]},...]}; returns the number of entries. */
    static int writeStreams(JsonOut out, List<LogQueryResult.Stream> streams) throws IOException {
        var g = out.gen();
        int entries = 0;
        g.writeStartArray();
        for (LogQueryResult.Stream s : streams) {
            g.writeStartObject();
            g.writeFieldName("stream");
            out.labels(s.labels());
            g.writeArrayFieldStart("values");
            for (LogQueryResult.Entry e : s.entries()) {
                g.writeStartArray();
                g.writeString(Long.toString(e.timestampNanos()));
                g.writeString(e.line());
                g.writeEndArray();
                entries++;
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        return entries;
    }

    /** Loki's tail message. */
    static byte[] message(List<LogQueryResult.Stream> streams, List<LogRecord> dropped) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonOut out = new JsonOut(bytes)) {
            var g = out.gen();
            g.writeStartObject();
            g.writeFieldName("streams");
            writeStreams(out, streams);
            if (!dropped.isEmpty()) {
                g.writeArrayFieldStart("dropped_entries");
                for (LogRecord r : dropped) {
                    g.writeStartObject();
                    g.writeFieldName("labels");
                    out.labels(r.stream());
                    g.writeStringField("timestamp", Long.toString(r.timestampNanos()));
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
