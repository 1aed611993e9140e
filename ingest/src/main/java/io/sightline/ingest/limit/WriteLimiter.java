package io.sightline.ingest.limit;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the write path: at most {@code maxConcurrent} requests are queued or running at once, on a
 * fixed pool of named platform threads (platform, not virtual: Chronicle Map calls from short-lived
 * virtual threads were measured several times slower). A request that finds no permit is refused at once,
 * so the caller answers 429 / RESOURCE_EXHAUSTED instead of letting a queue and the heap grow. The pool's
 * queue is unbounded in type but never holds more than {@code maxConcurrent} tasks, since each holds a
 * permit. Thread-safe.
 */
public final class WriteLimiter {
    private final Semaphore permits;
    private final int maxConcurrent;
    private final ThreadPoolExecutor pool;

    public WriteLimiter(int maxConcurrent, int threads, String threadNamePrefix) {
        this.maxConcurrent = maxConcurrent;
        this.permits = new Semaphore(maxConcurrent);
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, threadNamePrefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory);
    }

    /** Takes a permit for work the caller runs on its own thread; pair with {@link #release()} in finally. */
    public boolean tryAcquire() {
        return permits.tryAcquire();
    }

    public void release() {
        permits.release();
    }

    /**
     * Runs {@code task} on the write pool if a permit is free; the permit is released when the task ends.
     *
     * @return false when the limit is reached or the limiter is shut down; the task did not run
     */
    public boolean trySubmit(Runnable task) {
        if (!permits.tryAcquire()) {
            return false;
        }
        try {
            pool.execute(() -> {
                try {
                    task.run();
                } finally {
                    permits.release();
                }
            });
            return true;
        } catch (RuntimeException rejected) {
            // Shut down: no new work; the caller answers as overloaded (the server is going away).
            permits.release();
            return false;
        }
    }

    /** Requests queued or running now. */
    public int inFlight() {
        return maxConcurrent - permits.availablePermits();
    }

    /** Stops taking work, lets queued and running tasks finish for up to {@code timeoutMillis}. */
    public boolean shutdown(long timeoutMillis) throws InterruptedException {
        pool.shutdown();
        boolean done = pool.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
        if (!done) {
            pool.shutdownNow();
        }
        return done;
    }
}
