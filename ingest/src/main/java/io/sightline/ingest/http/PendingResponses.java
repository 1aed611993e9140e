package io.sightline.ingest.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

/**
 * Counts responses handed to Netty but not yet written, so a graceful stop can wait for them: a response
 * written from a write-pool thread is only a task queued on the event loop, and shutting the event loop
 * down closes the channels before it runs that task. Thread-safe.
 */
final class PendingResponses {
    private final Object lock = new Object();
    private int pending;

    /** Call before handing a response to Netty; the returned listener ends the count when it is written. */
    ChannelFutureListener begin() {
        synchronized (lock) {
            pending++;
        }
        return this::end;
    }

    private void end(ChannelFuture ignored) {
        synchronized (lock) {
            if (--pending == 0) {
                lock.notifyAll();
            }
        }
    }

    /** Waits until every counted response is written or failed, for up to {@code timeoutMillis}. */
    boolean awaitNone(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        synchronized (lock) {
            while (pending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000L));
            }
            return true;
        }
    }
}
