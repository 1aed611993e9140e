package io.sightline.bench.storage;

import io.sightline.storage.WalSyncMode;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The workload of {@link StorageAppendBenchmark} (one commit of one sample for each of 10,000 series), measured
 * as the appending thread's CPU time per sample rather than wall time: on a shared, overloaded machine wall
 * time mostly measures the wait for a core. Run two builds one after the other and compare the medians.
 * Arguments: measured rounds (default 7), commits per round (default 60; a chunk is cut every 120).
 */
public final class StorageAppendCpuTime {
    private StorageAppendCpuTime() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int commits = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        StorageAppendBenchmark bench = new StorageAppendBenchmark();
        bench.fsync = WalSyncMode.INTERVAL;
        bench.open();
        try {
            for (int i = 0; i < 2 * commits; i++) {
                bench.appendOneCommit();
            }
            double[] nsPerSample = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long began = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < commits; i++) {
                    bench.appendOneCommit();
                }
                nsPerSample[r] = (threads.getCurrentThreadCpuTime() - began) / (double) commits / StorageAppendBenchmark.SERIES;
            }
            Arrays.sort(nsPerSample);
            System.out.printf("append CPU ns/sample: median %.1f min %.1f max %.1f (%d rounds x %d commits x %d series)%n",
                    nsPerSample[rounds / 2], nsPerSample[0], nsPerSample[rounds - 1], rounds, commits,
                    StorageAppendBenchmark.SERIES);
        } finally {
            bench.close();
        }
    }
}
