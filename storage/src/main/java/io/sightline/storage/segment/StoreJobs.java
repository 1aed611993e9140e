package io.sightline.storage.segment;

import org.slf4j.Logger;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A segmented store's job thread: one named daemon thread runs its maintenance every second and the cuts its
 * commits ask for, so the store's background cut, compaction and retention run one at a time (a direct call such
 * as {@code cutSegment()} from another thread is serialised by the store's own cut lock). A failed maintenance run
 * is logged and retried at the next. Thread-safe.
 */
public final class StoreJobs {
    /** How long {@link #shutdownAndWait} lets a running job (a cut of a full head) finish. */
    private static final long STOP_WAIT_SECONDS = 30;

    private final ScheduledExecutorService executor;
    /** "log store", "trace store": names the store in log lines. */
    private final String store;
    private final Logger log;

    /** {@code log} is the owning store's logger, so its lines keep their category. */
    public StoreJobs(String threadName, String store, Logger log) {
        this.executor = Executors.newSingleThreadScheduledExecutor(daemon(threadName));
        this.store = store;
        this.log = log;
    }

    /** A factory of daemon threads all named {@code name}. */
    public static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs {@code maintenance} every second, one second after each run ends. */
    public void everySecond(Runnable maintenance) {
        executor.scheduleWithFixedDelay(() -> {
            try {
                maintenance.run();
            } catch (RuntimeException e) { // a throw would cancel the schedule
                log.error(store + " maintenance failed [error={}]", e.toString());
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Runs {@code job} soon on the job thread.
     *
     * @throws RejectedExecutionException once {@link #shutdownAndWait} began
     */
    public void execute(Runnable job) {
        executor.execute(job);
    }

    /**
     * Refuses new jobs and waits up to 30 s for the running one. {@code shutdown}, not {@code shutdownNow}: an
     * interrupt would close the file channels a running cut uses (FileChannel is interruptible), the WAL's among them.
     */
    public void shutdownAndWait() {
        executor.shutdown();
        try {
            executor.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
