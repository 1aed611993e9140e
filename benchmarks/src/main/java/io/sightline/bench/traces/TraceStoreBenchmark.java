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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The trace store figures of issue 7, straight through the storage API (no OTLP): spans/s appended in commits of
 * one request's size, bytes per span in the segments, trace-by-id latency (a new querier per lookup, as the
 * API does) over everything stored, and a term search over the last hour.
 *
 * <p>Usage: {@code java $(grep -v '^#' deploy/jvm.options) -Xmx3g -cp benchmarks/target/benchmarks.jar
 * io.sightline.bench.traces.TraceStoreBenchmark --spans 10000000 --dir /tmp/tracebench}
 */
public final class TraceStoreBenchmark {
    private static final int SPANS_PER_COMMIT = 500;
    private static final int LOOKUPS = 20_000;

    private TraceStoreBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        long target = 1_000_000;
        Path dir = Path.of("/tmp/sightline-tracebench");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--spans" -> target = Long.parseLong(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--spans N, --dir PATH)");
            }
        }
        deleteTree(dir);
        TraceStoreConfig config = new TraceStoreConfig(dir, 24 * 3600_000L, 128L << 20, 30L * 24 * 3600_000L,
                WalSyncMode.INTERVAL, 1_000, TraceStoreConfig.DEFAULT_INDEXED_ATTRIBUTES);
        HttpTraces gen = new HttpTraces(1);
        long now = System.currentTimeMillis() * 1_000_000L;
        long start = now - 3600_000_000_000L;
        // Traces spread evenly over the last hour.
        long traceEstimate = target / 6;
        long step = 3600_000_000_000L / Math.max(1, traceEstimate);
        long spans = 0;
        long traces = 0;
        long began = System.nanoTime();
        long cpuBegan = cpuNanos();
        try (TraceStore store = TraceStore.open(config, OpenTelemetry.noop().getMeter("bench"))) {
            SpanAppender a = store.appender();
            while (spans < target) {
                for (Span s : gen.trace(traces, start + traces * step)) {
                    a.append(s);
                    spans++;
                }
                traces++;
                if (a.pending() >= SPANS_PER_COMMIT) {
                    a.commit();
                }
                if (traces % 200_000 == 0) {
                    System.out.printf("  %,d spans, %.0f spans/s%n", spans, spans / ((System.nanoTime() - began) / 1e9));
                }
            }
            a.commit();
            double appendSeconds = (System.nanoTime() - began) / 1e9;
            double appendCpu = (cpuNanos() - cpuBegan) / 1e9;
            long cutBegan = System.nanoTime();
            store.cutSegment();
            double cutSeconds = (System.nanoTime() - cutBegan) / 1e9;
            double totalSeconds = (System.nanoTime() - began) / 1e9;
            double totalCpu = (cpuNanos() - cpuBegan) / 1e9;
            long segmentBytes = bytesOf(dir, "seg-");
            long indexBytes = Files.size(dir.resolve("trace-index.cm"));
            System.out.printf("spans %,d in %,d traces%n", spans, traces);
            System.out.printf("append: %.1f s, %,.0f spans/s (cuts of full heads ran alongside on the store's job thread)%n",
                    appendSeconds, spans / appendSeconds);
            System.out.printf("last cut: %.2f s; append + final cut: %,.0f spans/s%n", cutSeconds, spans / totalSeconds);
            // The machine is shared: CPU seconds of this process say what a free core would do.
            System.out.printf("process CPU: %.1f s for append (%,.0f spans per CPU-second), %.1f s with the final cut (%,.0f)%n",
                    appendCpu, spans / appendCpu, totalCpu, spans / totalCpu);
            System.out.printf("segments: %,d bytes, %.1f bytes/span; trace-id index file %,d bytes (%.1f per span)%n",
                    segmentBytes, (double) segmentBytes / spans, indexBytes, (double) indexBytes / spans);
            lookups(store, gen, traces, start, now);
            search(store, now);
        }
        try (TraceStore store = TraceStore.open(config, OpenTelemetry.noop().getMeter("bench"))) {
            System.out.println("after a restart:");
            lookups(store, gen, traces, start, now);
        }
    }

    private static void lookups(TraceStore store, HttpTraces gen, long traces, long min, long max) {
        Random random = new Random(2);
        long[] nanos = new long[LOOKUPS];
        long found = 0;
        for (int i = 0; i < LOOKUPS; i++) {
            String id = gen.traceId((long) (random.nextDouble() * traces));
            long t0 = System.nanoTime();
            try (TraceQuerier q = store.querier(min - 3600_000_000_000L, max + 3600_000_000_000L)) {
                found += q.trace(id).size();
            }
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        System.out.printf("trace by id (%,d random lookups, %.1f spans each): median %.3f ms, p99 %.3f ms, max %.1f ms%n",
                LOOKUPS, (double) found / LOOKUPS, nanos[LOOKUPS / 2] / 1e6, nanos[LOOKUPS * 99 / 100] / 1e6,
                nanos[LOOKUPS - 1] / 1e6);
    }

    private static void search(TraceStore store, long now) {
        for (List<SpanTerm> terms : List.of(
                List.of(SpanTerm.service("checkout"), SpanTerm.status(Span.STATUS_ERROR)),
                List.of(SpanTerm.spanAttribute("http.route", "/api/checkout"), SpanTerm.spanAttribute("http.response.status_code", "500")),
                List.of(SpanTerm.spanAttribute("user_agent.original", "okhttp/4.12.0"), SpanTerm.service("cart")))) {
            for (int run = 0; run < 3; run++) {
                AtomicLong count = new AtomicLong();
                long t0 = System.nanoTime();
                try (TraceQuerier q = store.querier(now - 3600_000_000_000L, now)) {
                    q.select(terms, s -> {
                        count.incrementAndGet();
                        return true;
                    });
                }
                if (run == 2) {
                    System.out.printf("select %s over the last hour: %,d spans in %.0f ms%n", terms, count.get(),
                            (System.nanoTime() - t0) / 1e6);
                }
            }
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long bytesOf(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> dir.relativize(p).toString().startsWith(prefix) && Files.isRegularFile(p))
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }).sum();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(p);
            }
        }
    }
}
