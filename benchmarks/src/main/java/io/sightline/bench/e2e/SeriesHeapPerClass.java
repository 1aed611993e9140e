package io.sightline.bench.e2e;

import io.sightline.ingest.IngestService;
import io.sightline.storage.StorageConfig;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live heap each active series costs, by class: the load generator's remote-write payloads through
 * {@link IngestService#handleRemoteWrite} into a real store (in process, one thread), with a class histogram
 * (a full collection first, as {@code jcmd GC.class_histogram}) before the first request and after the last;
 * prints the growth per series of every class that grew by at least 1 B per series. Run with the server's
 * heap flags ({@code -XX:+UseCompactObjectHeaders}) for the server's object sizes.
 *
 * <p>The rounds lie within one block window (up to 240 rounds): a round past a block boundary would cut every
 * series' open chunk, and runs at different times of day would measure different head states.
 *
 * <p>Arguments: series (default 100000), rounds (default 3).
 */
public final class SeriesHeapPerClass {
    private static final int BATCH = 2_000;

    private SeriesHeapPerClass() {
    }

    public static void main(String[] args) throws Exception {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (InProcessRemoteWrite server = InProcessRemoteWrite.open("series-heap", 2_000_000)) {
            long start = System.currentTimeMillis() / 15_000 * 15_000 - 15_000L * (rounds + 240);
            long block = StorageConfig.DEFAULT_BLOCK_DURATION_MILLIS;
            long boundary = Math.floorDiv(start + 15_000L * (rounds - 1), block) * block;
            if (boundary > start) {
                start = boundary;
            }
            RemoteWriteWorkload workload = new RemoteWriteWorkload(series, BATCH, start);
            // Each round's payloads are made just before it is sent, so that neither histogram holds them.
            Map<String, long[]> before = histogram();
            for (int r = 0; r < rounds; r++) {
                for (byte[] body : workload.round(r)) {
                    server.send(body, r);
                }
            }
            Map<String, long[]> after = histogram();
            List<Map.Entry<String, long[]>> grown = new ArrayList<>();
            long total = 0;
            for (Map.Entry<String, long[]> e : after.entrySet()) {
                long[] b = before.getOrDefault(e.getKey(), new long[2]);
                long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
                total += d[1];
                if (Math.abs(d[1]) >= series) {
                    grown.add(Map.entry(e.getKey(), d));
                }
            }
            grown.sort(Comparator.comparingLong(e -> -e.getValue()[1]));
            System.out.printf("series=%d rounds=%d live_heap_growth_bytes_per_series=%.1f%n", series, rounds,
                    total / (double) series);
            for (Map.Entry<String, long[]> e : grown) {
                System.out.printf("  %-60s %6.2f objects %7.1f B per series%n", e.getKey(),
                        e.getValue()[0] / (double) series, e.getValue()[1] / (double) series);
            }
        }
    }

    /** Class name to {instances, bytes} of the live heap (the diagnostic command collects first). */
    private static Map<String, long[]> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[]{new String[0]}, new String[]{String[].class.getName()});
        Map<String, long[]> out = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                out.put(f[3], new long[]{Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return out;
    }
}
