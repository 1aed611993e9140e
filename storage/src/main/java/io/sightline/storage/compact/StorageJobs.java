package io.sightline.storage.compact;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the store's background work (head cut, compaction, retention) on one named daemon thread: every
 * {@code periodMillis}, and soon after {@link #trigger()} when the append path sees the head grow past
 * a block. Failures are logged and retried at the next run, never propagated.
 */
public final class StorageJobs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StorageJobs.class);

    private final Compactor compactor;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean isTriggered = new AtomicBoolean();

    public StorageJobs(Compactor compactor, long periodMillis) {
        this.compactor = compactor;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sightline-storage-jobs");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::runAll, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Asks for a run soon; cheap and non-blocking, safe to call from the commit path. */
    public void trigger() {
        if (isTriggered.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    isTriggered.set(false);
                    runAll();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                isTriggered.set(false); // shutting down
            }
        }
    }

    private void runAll() {
        try {
            compactor.cutHead();
            compactor.compactBlocks();
            compactor.applyRetention();
        } catch (Throwable t) {
            log.error("storage background job failed; retrying at the next run", t);
        }
    }

    /** Stops the thread, waiting for a run in progress to finish. */
    @Override
    public void close() {
        // shutdown, not shutdownNow: an interrupt would close the file channels a running job uses
        // (FileChannel is interruptible), the WAL's among them.
        executor.shutdown();
        try {
            if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                log.warn("storage background job did not stop within 60s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
