package io.sightline.query.promql.engine;

import io.sightline.query.QueryException;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Helper threads that let one big query use a second core for half of a selector's series (decoding and the
 * step loop). Bounded: at most {@code threads} helpers for the whole engine, taken only when idle, so a query
 * never waits here; one that finds no idle helper does all its work itself, as it would without them.
 */
final class HelperThreads {
    /**
     * Shared by every engine of the process; none unless the system property
     * {@code sightline.query.helper_threads} asks for some. Off by default: four side-by-side compare.sh runs on
     * the idle 2-core machine showed no wall-clock gain over the same build without helpers (dashboards send
     * their panels' queries at once, which already fills the cores), and the split costs CPU (RESULTS.md).
     */
    static final HelperThreads SHARED = new HelperThreads(Integer.getInteger("sightline.query.helper_threads", 0));

    /** Below these sizes splitting costs more than it saves. */
    static final int MIN_SERIES = 512;
    static final long MIN_POINTS = 100_000;

    private final Semaphore idle;
    private final ExecutorService pool;
    private final AtomicLong started = new AtomicLong();

    HelperThreads(int threads) {
        int n = Math.max(0, threads);
        this.idle = new Semaphore(n);
        this.pool = n == 0 ? null : Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "sightline-query-helper");
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether work over this many series, each with this many points (samples or steps), is worth splitting. */
    static boolean isWorthSplitting(int series, long pointsPerSeries) {
        return series >= MIN_SERIES && series * pointsPerSeries >= MIN_POINTS;
    }

    /** Whether there are helper threads at all (big selectors are then loaded whole, to be split). */
    boolean enabled() {
        return pool != null;
    }

    /** Starts {@code task} on an idle helper; null (nothing started) when none is idle. */
    <T> Future<T> tryStart(Callable<T> task) {
        if (pool == null || !idle.tryAcquire()) {
            return null;
        }
        try {
            started.incrementAndGet();
            return pool.submit(() -> {
                try {
                    return task.call();
                } finally {
                    idle.release();
                }
            });
        } catch (RejectedExecutionException e) {
            idle.release();
            return null;
        }
    }

    /** Tasks handed to a helper so far. */
    long started() {
        return started.get();
    }

    /** The helper's result; its exception is rethrown as it was thrown (unchecked) or as an EXECUTION error. */
    static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new QueryException(QueryException.ErrorType.CANCELED, "query was canceled");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new QueryException(QueryException.ErrorType.EXECUTION, String.valueOf(e.getCause()), -1, e.getCause());
        }
    }
}
