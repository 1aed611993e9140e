package io.sightline.server.security;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class ClientRateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void allowsTheBurstThenRefillsAtTheRatePerClient() throws Exception {
        ClientRateLimiter limiter = new ClientRateLimiter(2, 3);
        InetAddress a = InetAddress.getByName("10.0.0.1");
        InetAddress b = InetAddress.getByName("10.0.0.2");
        long t = 5 * SECOND;
        assertThat(limiter.tryAcquire(a, t)).isTrue();
        assertThat(limiter.tryAcquire(a, t)).isTrue();
        assertThat(limiter.tryAcquire(a, t)).isTrue();
        assertThat(limiter.tryAcquire(a, t)).isFalse();
        assertThat(limiter.tryAcquire(b, t)).as("another client has its own bucket").isTrue();
        assertThat(limiter.tryAcquire(a, t + SECOND / 2)).as("one token back after half a second at 2/s").isTrue();
        assertThat(limiter.tryAcquire(a, t + SECOND / 2)).isFalse();
        assertThat(limiter.tryAcquire(a, t + 100 * SECOND)).isTrue();
        assertThat(limiter.tryAcquire(a, t + 100 * SECOND)).isTrue();
        assertThat(limiter.tryAcquire(a, t + 100 * SECOND)).isTrue();
        assertThat(limiter.tryAcquire(a, t + 100 * SECOND)).as("refill stops at the burst").isFalse();
        assertThat(limiter.tryAcquire(null, t)).isTrue();
    }
}
