package io.sightline.server;

import com.sun.management.OperatingSystemMXBean;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a Parallel or Serial collector's old generation near its live data. Both collectors grow the old
 * generation when a young collection's survivors do not fit, rather than collect it, so garbage promoted while
 * series are created (and outgrown column arrays) fills committed memory that no collection ever visits: at 1M
 * series 2 GB of old generation held 940 MB live (benchmarks/RESULTS.md, "Where 1M series' memory goes"). Once a
 * second this checks the old generation; when it holds {@link #GROWTH} times what the last full collection left
 * plus {@link #SLACK_BYTES}, or, once no collection has run for {@link #IDLE_CHECKS} seconds (the load has
 * stopped), when 8 MiB more than that were promoted, it asks for a full collection, after which the collector
 * shrinks the old generation to the JVM's {@code MaxHeapFreeRatio} (Parallel only with
 * {@code -XX:+UseAdaptiveSizePolicyWithSystemGC}, which bin/sightline sets). Full collections it asks for cost about
 * 1/{@link #PAUSE_FACTOR} of the process's CPU at most (of the machine's while the process is idle).
 *
 * <p>Not started for G1, ZGC or Shenandoah (they collect the old generation concurrently and uncommit on their
 * own), nor when the JVM ignores {@code System.gc()}. Thread-safe; one daemon thread, stopped by {@link #close()}.
 */
final class HeapGovernor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeapGovernor.class);
    /** Old generation in use, as a multiple of what the last full collection left, that triggers one. */
    static final double GROWTH = 1.5;
    /** Added to the trigger so that a small, growing heap (up to ~100k series) is left to the idle rule. */
    static final long SLACK_BYTES = 128L << 20;
    /**
     * After a requested full collection the process must spend this many times its CPU time before the next one:
     * its collections cost the process at most 1/20 more CPU. An idle process instead waits as many times the
     * collection's CPU time per core of wall time (1/20 of the machine). Measured in CPU, not wall time: on a loaded
     * machine a collection's wall time is several times its work, and a wall-time budget let a 1M-series ingest
     * outgrow the governor between two collections, while a machine-wide budget cost that ingest +25 % CPU.
     */
    static final long PAUSE_FACTOR = 20;
    /** Seconds without any collection after which the heap counts as idle. */
    static final int IDLE_CHECKS = 3;
    private static final long IDLE_SLACK_BYTES = 8L << 20;
    private static final long MIN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long CHECK_MILLIS = 1000;

    private final MemoryPoolMXBean oldGen;
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
    private final LongCounter collections;
    private final Thread thread;
    private volatile boolean closed;
    /** Old generation in use after the last full collection, or when this started if none has run. */
    private long live;
    private long lastEnd = System.nanoTime();
    private long cpuAtLastEnd;
    /** CPU time of the last requested collection (0: none yet). */
    private long lastCpu;
    private long lastCollectionCount;
    private int quietChecks;

    private HeapGovernor(MemoryPoolMXBean oldGen, Meter meter) {
        this.oldGen = oldGen;
        this.collections = meter.counterBuilder("sightline_server_heap_collections_total")
                .setDescription("Full collections the heap governor requested because the old generation had grown "
                        + "well beyond its live data.")
                .build();
        this.live = oldGen.getUsage().getUsed();
        this.thread = Thread.ofPlatform().daemon().name("sightline-heap-governor").unstarted(this::run);
    }

    /**
     * Starts the governor when the JVM runs the Parallel or Serial collector and honours {@code System.gc()};
     * otherwise returns null.
     */
    static HeapGovernor startIfUseful(Meter meter) {
        if (ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+DisableExplicitGC")) {
            return null;
        }
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && governs(pool.getName())) {
                HeapGovernor g = new HeapGovernor(pool, meter);
                g.thread.start();
                log.info("heap governor on [pool={}, growth={}, slack_mib={}]", pool.getName(), GROWTH, SLACK_BYTES >> 20);
                return g;
            }
        }
        return null;
    }

    /** True for the old-generation pools of the collectors that never shrink it without a full collection. */
    static boolean governs(String heapPoolName) {
        return heapPoolName.equals("PS Old Gen") || heapPoolName.equals("Tenured Gen");
    }

    /** True when {@code oldUsed} has grown past the trigger set by {@code liveAfterLastFull}. */
    static boolean overgrown(long oldUsed, long liveAfterLastFull) {
        return oldUsed > liveAfterLastFull * GROWTH + SLACK_BYTES;
    }

    /** True when an idle heap's {@code oldUsed} holds enough garbage for a full collection to be worth it. */
    static boolean worthCollectingWhenIdle(long oldUsed, long liveAfterLastFull) {
        return oldUsed > liveAfterLastFull + IDLE_SLACK_BYTES;
    }

    /**
     * True when, {@code wallSince} and {@code processCpuSince} nanoseconds after a requested collection that took
     * {@code gcCpu} nanoseconds of CPU, another one is within the budget of {@link #PAUSE_FACTOR}.
     */
    static boolean mayCollect(long wallSince, long processCpuSince, long gcCpu, int cores, boolean idle) {
        if (wallSince < MIN_INTERVAL_NANOS) {
            return false;
        }
        return processCpuSince >= gcCpu * PAUSE_FACTOR || idle && wallSince >= gcCpu * PAUSE_FACTOR / Math.max(1, cores);
    }

    private void run() {
        while (!closed) {
            try {
                Thread.sleep(CHECK_MILLIS);
                check();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("heap governor check failed; stopping it", e);
                return;
            }
        }
    }

    private void check() {
        // The pool's collection usage is what the last full collection left (young collections do not set it for
        // the old generation); a collection the JVM ran on its own counts too.
        long afterFull = oldGen.getCollectionUsage() == null ? 0 : oldGen.getCollectionUsage().getUsed();
        if (afterFull > 0) {
            live = afterFull;
        }
        long count = collectionCount();
        quietChecks = count == lastCollectionCount ? quietChecks + 1 : 0;
        lastCollectionCount = count;
        long now = System.nanoTime();
        long used = oldGen.getUsage().getUsed();
        boolean idle = quietChecks >= IDLE_CHECKS;
        if (!(overgrown(used, live) || idle && worthCollectingWhenIdle(used, live))
                || !mayCollect(now - lastEnd, os.getProcessCpuTime() - cpuAtLastEnd, lastCpu, os.getAvailableProcessors(), idle)) {
            return;
        }
        // Application threads stand still during the collection: the process's CPU time then is the collector's.
        long cpu0 = os.getProcessCpuTime();
        System.gc();
        long took = System.nanoTime() - now;
        long cpu = os.getProcessCpuTime() - cpu0;
        collections.add(1);
        // Its own collection is not activity: the heap stays idle, and the old generation is now at its live data.
        lastCollectionCount = collectionCount();
        lastEnd = System.nanoTime();
        cpuAtLastEnd = os.getProcessCpuTime();
        lastCpu = cpu0 < 0 ? took : cpu;
        if (log.isDebugEnabled()) {
            log.debug("heap governor collected [took_ms={}, cpu_ms={}, old_used_mib={}, old_committed_mib={}]",
                    took / 1_000_000, cpu / 1_000_000, oldGen.getUsage().getUsed() >> 20,
                    oldGen.getUsage().getCommitted() >> 20);
        }
    }

    private long collectionCount() {
        long n = 0;
        for (GarbageCollectorMXBean c : collectors) {
            n += Math.max(0, c.getCollectionCount());
        }
        return n;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
