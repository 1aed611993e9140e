package io.sightline.bench.e2e;

import io.sightline.ingest.IngestService;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;

/**
 * The workload of {@link RemoteWriteIngestBenchmark} (the load generator's payloads through
 * {@link IngestService#handleRemoteWrite} into a real store) measured as the sending thread's CPU time per
 * sample instead of wall time: on the shared, overloaded machine wall time mostly measures the wait for a core.
 * Prints the first round (every series is created) and the median and quartile of the later rounds. Compare
 * two builds by running them alternately (base, new, base, new) and comparing medians.
 *
 * <p>Arguments: series (default 100000), rounds (default 60).
 */
public final class RemoteWriteCpuTime {
    private static final int BATCH = 2_000;
    private static final int WARM_ROUNDS = 5;

    private RemoteWriteCpuTime() {
    }

    public static void main(String[] args) throws IOException {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        if (rounds <= WARM_ROUNDS) {
            throw new IllegalArgumentException("rounds must be more than " + WARM_ROUNDS + ", got " + rounds);
        }
        try (InProcessRemoteWrite server = InProcessRemoteWrite.open("remote-write-cpu", 1_000_000)) {
            // Old enough that every round stays within ingest.max_future_skew of the clock.
            RemoteWriteWorkload workload = new RemoteWriteWorkload(series, BATCH,
                    System.currentTimeMillis() / 15_000 * 15_000 - 15_000L * (rounds + 240));
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            double[] nanosPerSample = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                List<byte[]> requests = workload.round(r);
                long before = threads.getCurrentThreadCpuTime();
                for (byte[] body : requests) {
                    server.send(body, r);
                }
                nanosPerSample[r] = (threads.getCurrentThreadCpuTime() - before) / (double) series;
            }
            double[] steady = Arrays.copyOfRange(nanosPerSample, WARM_ROUNDS, rounds);
            Arrays.sort(steady);
            System.out.printf("series=%d create_round_ns_per_sample=%.0f steady_median_ns_per_sample=%.0f "
                            + "steady_p25_ns_per_sample=%.0f rounds=%d%n", series, nanosPerSample[0],
                    steady[steady.length / 2], steady[steady.length / 4], steady.length);
        }
    }
}
