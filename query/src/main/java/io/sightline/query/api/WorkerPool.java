package io.sightline.query.api;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP API's handler pool: up to {@code threads} threads and a bounded queue, a thread started only when a task
 * finds every running one busy. A plain {@link ThreadPoolExecutor} with {@code threads} core threads starts a new
 * one for each of the first {@code threads} tasks even when the others sit idle: four remote-write connections then
 * kept all eight default workers (and their stacks) alive. Past {@code threads} busy threads tasks queue; past the
 * queue {@link #execute} throws {@link RejectedExecutionException} (the server answers 503). Idle threads end
 * after {@code keepAliveMillis}.
 */
final class WorkerPool extends ThreadPoolExecutor {
    /** Tasks handed to {@link #execute} and not yet finished: queued or running. */
    private final AtomicInteger pending = new AtomicInteger();

    WorkerPool(int threads, int queueCapacity, long keepAliveMillis, ThreadFactory factory) {
        super(0, threads, keepAliveMillis, TimeUnit.MILLISECONDS, new Queue(queueCapacity), factory, new AbortPolicy());
        ((Queue) getQueue()).pool = this;
    }

    @Override
    public void execute(Runnable task) {
        pending.incrementAndGet();
        try {
            super.execute(task);
        } catch (RejectedExecutionException e) {
            // Refused by the queue below with every thread started (or shut down): queue it for real if room is left.
            if (isShutdown() || !((Queue) getQueue()).enqueue(task)) {
                pending.decrementAndGet();
                throw e;
            }
        }
    }

    @Override
    protected void afterExecute(Runnable task, Throwable failure) {
        pending.decrementAndGet();
    }

    /**
     * Tells the executor "full" while it may still start a thread and no started thread is free, which makes it
     * start one ({@link ThreadPoolExecutor} only grows past its core size when the queue refuses a task).
     */
    private static final class Queue extends ArrayBlockingQueue<Runnable> {
        private WorkerPool pool;

        Queue(int capacity) {
            super(capacity);
        }

        @Override
        public boolean offer(Runnable task) {
            int threads = pool.getPoolSize();
            if (threads < pool.getMaximumPoolSize() && pool.pending.get() > threads) {
                return false;
            }
            return super.offer(task);
        }

        boolean enqueue(Runnable task) {
            return super.offer(task);
        }
    }
}
