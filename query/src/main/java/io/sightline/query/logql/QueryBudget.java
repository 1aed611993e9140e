package io.sightline.query.logql;

import io.sightline.query.QueryException;

/** Counts what a query read and enforces its deadline every few thousand records. Not thread-safe. */
final class QueryBudget {
    private final long deadlineNanos;
    private final long timeoutMillis;
    private long lines;
    private long bytes;

    QueryBudget(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
        this.deadlineNanos = System.nanoTime() + timeoutMillis * 1_000_000L;
    }

    void record(int bodyChars) {
        lines++;
        bytes += bodyChars;
        if ((lines & 4095) == 0 && System.nanoTime() > deadlineNanos) {
            throw new QueryException(QueryException.ErrorType.TIMEOUT, "query timed out after " + timeoutMillis
                    + "ms (logs.query.timeout); narrow the time range or the selector");
        }
    }

    long lines() {
        return lines;
    }

    long bytes() {
        return bytes;
    }
}
