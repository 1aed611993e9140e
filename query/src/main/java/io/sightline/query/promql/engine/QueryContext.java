package io.sightline.query.promql.engine;

import io.sightline.query.QueryException;
import io.sightline.query.promql.parser.PosRange;
import io.sightline.storage.Queryable;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The state of one query: where it reads, its lookback, its limits and its counters. Not thread-safe;
 * one per query.
 */
final class QueryContext {
    /** How many loop iterations pass between deadline checks. */
    static final int DEADLINE_CHECK_INTERVAL = 1024;

    final Queryable queryable;
    final long lookbackMillis;
    final long queryStart;
    final long queryEnd;
    /** The range query's step, 0 for an instant query. */
    final long queryStep;
    private final String query;
    final Set<String> warnings = new LinkedHashSet<>();
    final Set<String> infos = new LinkedHashSet<>();
    final long deadlineNanos;
    final long maxSamples;
    /** Default subquery step when none is given (Prometheus's global evaluation interval). */
    final long defaultSubqueryStep;
    long samplesLoaded;
    /**
     * Prometheus's {@code totalQueryableSamples}: the samples each step actually reads: one per series and step
     * from an instant selector, the window's samples per step from a range function, not every sample loaded
     * for the lookback (so {@code up} over 2 series at one instant counts 2).
     */
    long queryableSamples;
    long currentSamples;
    long peakSamples;
    private int ticks;
    private final LongSupplier nanoClock;
    final SampleBufferPool buffers;
    /** Where a big selector or step loop may hand half its series; the engine's own by default. */
    HelperThreads helpers = HelperThreads.SHARED;

    QueryContext(String query, Queryable queryable, long lookbackMillis, long queryStart, long queryEnd, long queryStep,
                 long deadlineNanos, long maxSamples, long defaultSubqueryStep, LongSupplier nanoClock,
                 SampleBufferPool buffers) {
        this.buffers = buffers;
        this.nanoClock = nanoClock;
        this.query = query;
        this.queryStep = queryStep;
        this.queryable = queryable;
        this.lookbackMillis = lookbackMillis;
        this.queryStart = queryStart;
        this.queryEnd = queryEnd;
        this.deadlineNanos = deadlineNanos;
        this.maxSamples = maxSamples;
        this.defaultSubqueryStep = defaultSubqueryStep;
    }

    /** Adds a warning annotation, as Prometheus renders it: {@code PromQL warning: ... (1:5)}. */
    void warn(String message, PosRange pos) {
        warnings.add("PromQL warning: " + message + " (" + pos.startLineColumn(query) + ")");
    }

    void info(String message, PosRange pos) {
        infos.add("PromQL info: " + message + " (" + pos.startLineColumn(query) + ")");
    }

    /** Checks the deadline every {@link #DEADLINE_CHECK_INTERVAL} calls. */
    void tick() {
        if (++ticks % DEADLINE_CHECK_INTERVAL == 0) {
            checkDeadline();
        }
    }

    void checkDeadline() {
        if (nanoClock.getAsLong() - deadlineNanos > 0) {
            throw new QueryException(QueryException.ErrorType.TIMEOUT, "query timed out in expression evaluation");
        }
    }

    /** Accounts samples held in memory; fails the query past {@code query.max_samples}. */
    void addSamples(long n) {
        currentSamples += n;
        if (currentSamples > peakSamples) {
            peakSamples = currentSamples;
        }
        if (currentSamples > maxSamples) {
            throw new QueryException(QueryException.ErrorType.EXECUTION,
                    "query processing would load too many samples into memory in query execution (limit "
                            + maxSamples + ", set by query.max_samples)");
        }
    }

    /**
     * The final result is held whole: accounts its points where no operator did (e.g. {@code vector(1)} over
     * many steps), without counting twice what selectors and functions already hold.
     */
    void holdResult(long points) {
        if (points > currentSamples) {
            addSamples(points - currentSamples);
        }
    }

    void releaseSamples(long n) {
        currentSamples -= n;
    }
}
