package io.sightline.bench.e2e;

import io.opentelemetry.api.OpenTelemetry;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryEngine;
import io.sightline.query.QueryEngines;
import io.sightline.query.QueryOptions;
import io.sightline.query.QueryResult;
import io.sightline.query.Value;
import io.sightline.storage.Appender;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import io.sightline.storage.model.Labels;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * {@link DashboardQueries}'s query set through the engine in-process (no HTTP, no JSON) over the very data
 * {@code compare.sh} sends ({@link RemoteWriteWorkload}), appended straight into a real storage head: the
 * querying thread's and the whole process's CPU time, the wall time and the bytes the querying thread allocated
 * per query (medians of the measured runs), plus a checksum of each
 * answer so that two builds can be shown to give bit-identical results.
 *
 * <p>Run: {@code java <Chronicle flags> -cp benchmarks/target/benchmarks.jar
 * io.sightline.bench.e2e.DashboardQueryCpuTime [--full] [--runs 9] [--warmups 3]}. {@code --warmups 0 --runs 5} measures
 * as compare.sh does (five runs of each query in a fresh JVM, JIT still compiling).
 */
public final class DashboardQueryCpuTime {
    private static final long START = 1_700_000_000_000L;

    private DashboardQueryCpuTime() {
    }

    public static void main(String[] args) throws IOException {
        boolean full = false;
        int runs = 9;
        int warmups = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--full" -> full = true;
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--warmups" -> warmups = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        int series = full ? 100_000 : 10_000;
        int rounds = full ? 100 : 240;
        Path dir = Files.createTempDirectory("dashboard-query-cpu");
        try (Storage storage = Storage.open(new StorageConfig(dir, 2 * 3_600_000L, 15 * 24 * 3_600_000L,
                WalSyncMode.NEVER, 1_000, 128L << 20, 0, series * 2L), OpenTelemetry.noop().getMeter("bench"))) {
            RemoteWriteWorkload w = new RemoteWriteWorkload(series, 2000, START);
            fill(storage, w, rounds);
            long end = w.timestamp(rounds - 1);
            QueryEngine engine = QueryEngines.promql(storage, QueryConfig.defaults(), OpenTelemetry.noop().getMeter("bench"));
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            double cpuTotal = 0;
            double processTotal = 0;
            double wallTotal = 0;
            long allocTotal = 0;
            for (DashboardQueries.Query q : DashboardQueries.QUERIES) {
                long endMs = (end / 1000 / q.stepSeconds() * q.stepSeconds() + 7) * 1000;
                long startMs = endMs - q.rangeMillis();
                if (q.rangeMillis() < 86_400_000) { // as DashboardQueries: no window reaches the series' start
                    startMs = Math.max(startMs, ((START + 360_000) / 1000 / q.stepSeconds() * q.stepSeconds() + 7) * 1000);
                }
                long step = q.stepSeconds() * 1000L;
                QueryResult r = null;
                for (int i = 0; i < warmups; i++) {
                    r = engine.rangeQuery(q.expr(), startMs, endMs, step, QueryOptions.DEFAULT); // warm-up
                }
                long[] cpu = new long[runs];
                long[] process = new long[runs];
                long[] wall = new long[runs];
                long[] alloc = new long[runs];
                for (int i = 0; i < runs; i++) {
                    long a = threads.getCurrentThreadAllocatedBytes();
                    long c = threads.getCurrentThreadCpuTime();
                    long p = os.getProcessCpuTime();
                    long t = System.nanoTime();
                    r = engine.rangeQuery(q.expr(), startMs, endMs, step, QueryOptions.DEFAULT);
                    wall[i] = System.nanoTime() - t;
                    cpu[i] = threads.getCurrentThreadCpuTime() - c;
                    process[i] = os.getProcessCpuTime() - p;
                    alloc[i] = threads.getCurrentThreadAllocatedBytes() - a;
                }
                Arrays.sort(alloc);
                allocTotal += alloc[runs / 2];
                Arrays.sort(cpu);
                Arrays.sort(process);
                Arrays.sort(wall);
                cpuTotal += cpu[runs / 2] / 1e6;
                processTotal += process[runs / 2] / 1e6;
                wallTotal += wall[runs / 2] / 1e6;
                // thread: the querying thread alone; process: every thread (helpers, GC, JIT)
                // alloc: the querying thread's (helper threads are off by default)
                System.out.printf("QUERY %-14s thread_cpu_ms=%7.1f process_cpu_ms=%7.1f wall_ms=%7.1f alloc_kb=%9.1f %s%n",
                        q.name(), cpu[runs / 2] / 1e6, process[runs / 2] / 1e6, wall[runs / 2] / 1e6,
                        alloc[runs / 2] / 1024.0, checksum(r));
            }
            System.out.printf("TOTAL thread_cpu_ms=%.1f process_cpu_ms=%.1f wall_ms=%.1f alloc_kb=%.1f (medians)%n",
                    cpuTotal, processTotal, wallTotal, allocTotal / 1024.0);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void fill(Storage storage, RemoteWriteWorkload w, int rounds) {
        int n = w.series();
        Labels[] labels = new Labels[n];
        long[] refs = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = Labels.of(w.labels(i));
        }
        for (int r = 0; r < rounds; r++) {
            double[] values = w.values();
            long t = w.timestamp(r);
            for (int from = 0; from < n; from += 2000) {
                Appender a = storage.appender();
                for (int i = from; i < Math.min(n, from + 2000); i++) {
                    refs[i] = a.append(refs[i], labels[i], t, values[i]);
                }
                a.commit();
            }
        }
    }

    /** Series, points and an order-sensitive hash of labels, times and value bits: equal iff answers are. */
    private static String checksum(QueryResult r) {
        if (!(r.value() instanceof Value.Matrix m)) {
            return "result=" + r.value().resultType();
        }
        long h = 1;
        long points = 0;
        for (Value.SeriesPoints s : m.series()) {
            h = h * 31 + s.labels().hashCode();
            for (int i = 0; i < s.count(); i++) {
                h = h * 31 + s.timestamps()[i];
                h = h * 31 + Double.doubleToLongBits(s.values()[i]);
            }
            points += s.count();
        }
        return String.format("series=%d points=%d hash=%016x", m.series().size(), points, h);
    }
}
