package io.sightline.ingest.limit;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class WriteLimiterTest {
    @Test
    void refusesWorkBeyondTheLimitAndTakesItAgainOncePermitsReturn() throws Exception {
        WriteLimiter limiter = new WriteLimiter(2, 1, "test-write");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        Runnable blocked = () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.incrementAndGet();
        };

        assertThat(limiter.trySubmit(blocked)).isTrue();
        assertThat(limiter.trySubmit(blocked)).isTrue();   // queued behind the first: one thread
        assertThat(limiter.trySubmit(blocked)).isFalse();
        assertThat(limiter.tryAcquire()).isFalse();
        assertThat(limiter.inFlight()).isEqualTo(2);

        release.countDown();
        assertThat(limiter.shutdown(10_000)).isTrue();
        assertThat(ran.get()).isEqualTo(2);
        assertThat(limiter.inFlight()).isZero();
        assertThat(limiter.trySubmit(ran::incrementAndGet)).isFalse(); // shut down
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void permitsTakenForCallerThreadWorkCountAsInFlight() {
        WriteLimiter limiter = new WriteLimiter(1, 1, "test-write");
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.trySubmit(() -> { })).isFalse();
        limiter.release();
        assertThat(limiter.inFlight()).isZero();
    }

}
