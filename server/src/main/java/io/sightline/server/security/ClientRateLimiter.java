package io.sightline.server.security;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client IP: {@code perSecond} requests per second on average, bursts up to {@code burst}.
 * The table is bounded: past {@link #MAX_CLIENTS} addresses it starts over, which at worst gives every client a
 * fresh burst, never a refusal it did not earn. Thread-safe.
 */
final class ClientRateLimiter {
    static final int MAX_CLIENTS = 100_000;

    private final double perNano;
    private final double burst;
    private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    ClientRateLimiter(double perSecond, int burst) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
    }

    /** Takes one token for {@code client}; false when its bucket is empty. A null client is never limited. */
    boolean tryAcquire(InetAddress client, long nowNanos) {
        if (client == null) {
            return true;
        }
        if (buckets.size() >= MAX_CLIENTS) {
            buckets.clear();
        }
        return buckets.computeIfAbsent(client, c -> new Bucket(burst, nowNanos)).take(nowNanos, perNano, burst);
    }

    private static final class Bucket {
        private double tokens;
        private long lastNanos;

        Bucket(double tokens, long nowNanos) {
            this.tokens = tokens;
            this.lastNanos = nowNanos;
        }

        synchronized boolean take(long nowNanos, double perNano, double burst) {
            tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * perNano);
            lastNanos = nowNanos;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
