package io.sightline.ingest;

import io.sightline.storage.SpanAppender;
import io.sightline.storage.TraceQuerier;
import io.sightline.storage.TraceStore;
import io.sightline.storage.model.Span;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The real trace store, with each commit held until {@code release}: keeps one request in flight. */
record HoldingTraceStore(TraceStore real, CountDownLatch entered, CountDownLatch release) implements TraceStore {
    @Override
    public SpanAppender appender() {
        SpanAppender a = real.appender();
        return new SpanAppender() {
            @Override
            public void append(Span span) {
                a.append(span);
            }

            @Override
            public int pending() {
                return a.pending();
            }

            @Override
            public long commit() {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return a.commit();
            }

            @Override
            public void rollback() {
                a.rollback();
            }
        };
    }

    @Override
    public TraceQuerier querier(long minNanos, long maxNanos) {
        return real.querier(minNanos, maxNanos);
    }

    @Override
    public void forEachSince(long afterSequence, CommitVisitor visitor) {
        real.forEachSince(afterSequence, visitor);
    }

    @Override
    public long lastSequence() {
        return real.lastSequence();
    }

    @Override
    public void cutSegment() {
        real.cutSegment();
    }

    @Override
    public int applyRetention() {
        return real.applyRetention();
    }

    @Override
    public void close() {
        real.close();
    }
}
