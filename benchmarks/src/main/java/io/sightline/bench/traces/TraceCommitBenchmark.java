package io.sightline.bench.traces;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.storage.SpanAppender;
import io.sightline.storage.SpanTerm;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;
import io.sightline.storage.TraceStoreConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Span;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The two halves of trace store ingest, each timed in CPU time of the thread doing it (so a shared machine
 * skews them less than wall clock): the commit path (append + commit of 500-span requests into WAL and head,
 * spans generated beforehand and not timed) one cut of the whole head into a segment, and the
 * selects of {@link TraceStoreBenchmark} over that segment (page decoding). Uses only the public
 * storage API, so the same class runs against an older storage build put first on the classpath.
 *
 * <p>Usage: {@code java $(grep -v '^#' deploy/jvm.options) -Xmx3g -cp benchmarks/target/benchmarks.jar
 * io.sightline.bench.traces.TraceCommitBenchmark --spans 300000 --rounds 3 --dir /tmp/tracecommit}
 */
public final class TraceCommitBenchmark {
    private static final int SPANS_PER_COMMIT = 500;
    private static final int SELECT_RUNS = 5;
    /** TraceStoreBenchmark's three selects: postings only, postings of attributes, a row check after postings. */
    private static final List<List<SpanTerm>> QUERIES = List.of(
            List.of(SpanTerm.service("checkout"), SpanTerm.status(Span.STATUS_ERROR)),
            List.of(SpanTerm.spanAttribute("http.route", "/api/checkout"), SpanTerm.spanAttribute("http.response.status_code", "500")),
            List.of(SpanTerm.spanAttribute("user_agent.original", "okhttp/4.12.0"), SpanTerm.service("cart")));

    private TraceCommitBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        long target = 300_000;
        int rounds = 3;
        Path dir = Path.of("/tmp/sightline-tracecommit");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--spans" -> target = Long.parseLong(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--spans N, --rounds N, --dir PATH)");
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < rounds; round++) {
            deleteTree(dir);
            // A head limit (512 MiB, ~580k spans) and segment age above the run, so no cut runs while commits
            // are timed. Not larger: the trace-id index is sized from it (head bytes / 512 entries).
            TraceStoreConfig config = new TraceStoreConfig(dir, 24 * 3600_000L, 512L << 20, 30L * 24 * 3600_000L,
                    WalSyncMode.INTERVAL, 1_000, TraceStoreConfig.DEFAULT_INDEXED_ATTRIBUTES);
            HttpTraces gen = new HttpTraces(1);
            long start = System.currentTimeMillis() * 1_000_000L - 3600_000_000_000L;
            long step = 3600_000_000_000L / Math.max(1, target / 6);
            long spans = 0;
            long traces = 0;
            long cpu = 0;
            long wall = 0;
            try (TraceStore store = TraceStore.open(config, OpenTelemetry.noop().getMeter("bench"))) {
                SpanAppender a = store.appender();
                List<Span> batch = new ArrayList<>(SPANS_PER_COMMIT + 16);
                while (spans < target) {
                    batch.clear();
                    while (batch.size() < SPANS_PER_COMMIT) {
                        batch.addAll(gen.trace(traces, start + traces * step));
                        traces++;
                    }
                    long c0 = threads.getCurrentThreadCpuTime();
                    long w0 = System.nanoTime();
                    for (Span s : batch) {
                        a.append(s);
                    }
                    a.commit();
                    wall += System.nanoTime() - w0;
                    cpu += threads.getCurrentThreadCpuTime() - c0;
                    spans += batch.size();
                }
                long c0 = threads.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                store.cutSegment();
                long cutCpu = threads.getCurrentThreadCpuTime() - c0;
                long cutWall = System.nanoTime() - w0;
                long selected = 0;
                c0 = threads.getCurrentThreadCpuTime();
                for (int run = 0; run < SELECT_RUNS; run++) {
                    for (List<SpanTerm> terms : QUERIES) {
                        AtomicLong n = new AtomicLong();
                        try (TraceQuerier q = store.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                            q.select(terms, x -> {
                                n.incrementAndGet();
                                return true;
                            });
                        }
                        selected += n.get();
                    }
                }
                long selectCpu = threads.getCurrentThreadCpuTime() - c0;
                System.out.printf("round %d: %,d spans; commit path %,.0f spans per CPU-second (%,.0f/s wall); "
                                + "cut %,.0f spans per CPU-second (%,.0f/s wall); select %.0f CPU-ms per query (%,d spans each run)%n",
                        round, spans, spans / (cpu / 1e9), spans / (wall / 1e9), spans / (cutCpu / 1e9),
                        spans / (cutWall / 1e9), selectCpu / 1e6 / (SELECT_RUNS * QUERIES.size()), selected / SELECT_RUNS);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
