package io.sightline.alerting.notify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delivers the outbox entries of one integration on its own daemon thread, so a slow or failing receiver never
 * delays another. Retries 5xx, 429 and connection errors with exponential backoff and full jitter (or the
 * receiver's {@code Retry-After}); other statuses are permanent failures. Success is recorded in the notification
 * log before the entry leaves the outbox, so a crash in between can at worst repeat the one notification.
 */
final class DeliveryWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
    private static final long MAX_RETRY_AFTER_MILLIS = 3_600_000;

    private final String receiver;
    private final Integration integration;
    private final String key;
    private final Outbox outbox;
    private final NotificationLog nflog;
    private final HttpClient http;
    /** Whether {@link #http} was built for this integration's {@code http_config} (and is closed with the worker). */
    private final boolean ownsHttp;
    private final Clock clock;
    private final NotifyMetrics metrics;
    private final long initialBackoffMillis;
    private final long maxBackoffMillis;
    private final Object signal = new Object();
    /** Per pending entry version: attempts so far and when the next may start (System.nanoTime). */
    private final Map<Long, long[]> schedule = new HashMap<>();
    private final Thread thread;
    private volatile boolean isStopped;
    /** Set by {@link #wake()} under {@code signal}; without it a wake-up between two waits would be lost. */
    private boolean hasNewWork;

    DeliveryWorker(String receiver, Integration integration, Outbox outbox, NotificationLog nflog, HttpClient http,
                   Clock clock, NotifyMetrics metrics, long initialBackoffMillis, long maxBackoffMillis) {
        this.receiver = receiver;
        this.integration = integration;
        this.key = Integration.key(receiver, integration);
        this.outbox = outbox;
        this.nflog = nflog;
        this.ownsHttp = integration.http().needsOwnClient();
        this.http = ownsHttp ? HttpClients.build(integration.http()) : http;
        this.clock = clock;
        this.metrics = metrics;
        this.initialBackoffMillis = initialBackoffMillis;
        this.maxBackoffMillis = maxBackoffMillis;
        this.thread = Thread.ofPlatform().daemon().name("sightline-notify-" + key).unstarted(this::run);
        thread.start();
    }

    /** New work in the outbox for this integration. */
    void wake() {
        synchronized (signal) {
            hasNewWork = true;
            signal.notifyAll();
        }
    }

    private void run() {
        while (!isStopped) {
            try {
                long waitNanos = deliverDue();
                synchronized (signal) {
                    if (!isStopped && !hasNewWork && waitNanos > 0) {
                        signal.wait(Math.max(1, waitNanos / 1_000_000));
                    }
                    hasNewWork = false;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                log.error("notification worker failed [receiver={}, integration={}]", receiver, key, t);
                try {
                    Thread.sleep(1000); // do not spin on a persistent fault (e.g. a full disk)
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** Attempts every due entry once; returns how long to wait for the next, or a long idle wait. */
    private long deliverDue() {
        List<Outbox.Entry> pending = outbox.pending(key);
        schedule.keySet().retainAll(pending.stream().map(Outbox.Entry::version).toList());
        long now = System.nanoTime();
        long nextWait = Duration.ofSeconds(10).toNanos();
        for (Outbox.Entry e : pending) {
            if (isStopped) {
                break;
            }
            long[] s = schedule.computeIfAbsent(e.version(), v -> new long[]{0, now});
            if (s[1] - now > 0) {
                nextWait = Math.min(nextWait, s[1] - now);
                continue;
            }
            long retryIn = attempt(e, s);
            if (retryIn >= 0) {
                s[1] = System.nanoTime() + retryIn * 1_000_000;
                nextWait = Math.min(nextWait, retryIn * 1_000_000);
            }
        }
        return nextWait;
    }

    /** Returns -1 when done with the entry (delivered or dropped), else the delay before retrying in ms. */
    private long attempt(Outbox.Entry e, long[] s) {
        s[0]++;
        try {
            HttpResponse<String> resp = http.send(request(e.body()), HttpResponse.BodyHandlers.ofString());
            Integration.Outcome o = integration.classify(resp.statusCode(), resp.body());
            String fallback = o == Integration.Outcome.PERMANENT_FAILURE
                    ? integration.fallbackBody(resp.statusCode(), resp.body(), e.body()) : null;
            if (fallback != null) {
                // the service refused the message's markup; a plainer message beats a lost alert
                log.warn("notification refused, sending it once more without markup [receiver={}, integration={}, error={}]",
                        receiver, key, "status " + resp.statusCode() + ": " + abbreviate(resp.body()));
                resp = http.send(request(fallback), HttpResponse.BodyHandlers.ofString());
                o = integration.classify(resp.statusCode(), resp.body());
            }
            if (o == Integration.Outcome.DELIVERED) {
                nflog.log(e.groupKey(), key, e.firing(), e.resolved(), clock.millis(), Math.max(e.repeatIntervalMillis() * 2, 120 * 3_600_000L));
                outbox.remove(e);
                metrics.delivered(receiver, integration.type());
                log.debug("notification delivered [receiver={}, integration={}, group={}]", receiver, key, e.groupKey());
                return -1;
            }
            String detail = "status " + resp.statusCode() + ": " + abbreviate(resp.body());
            if (o == Integration.Outcome.PERMANENT_FAILURE) {
                return giveUp(e, detail);
            }
            long delay = backoff(s[0]);
            long retryAfter = retryAfterMillis(resp.headers().firstValue("Retry-After").orElse(null));
            if (retryAfter < 0 && resp.statusCode() == 429) {
                retryAfter = integration.retryAfterMillisFromBody(resp.body());
            }
            if (retryAfter >= 0) {
                delay = Math.min(retryAfter, MAX_RETRY_AFTER_MILLIS);
            }
            return retry(e, detail, delay, s[0]);
        } catch (IOException ex) {
            return retry(e, ex.getClass().getSimpleName() + ": " + ex.getMessage(), backoff(s[0]), s[0]);
        } catch (IllegalArgumentException | IllegalStateException ex) {
            return giveUp(e, "cannot build the request: " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            isStopped = true;
            return 0;
        }
    }

    /** @throws IllegalArgumentException or IllegalStateException when URL or headers are unusable */
    private HttpRequest request(String body) {
        HttpRequest.Builder req = HttpRequest.newBuilder(integration.url())
                .timeout(Duration.ofMillis(integration.timeoutMillis()))
                .header("Content-Type", "application/json")
                .header("User-Agent", "Sightline-Alerting")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        HttpSettings hs = integration.http();
        hs.headers().forEach(req::setHeader);
        if (hs.authorization() != null) {
            req.setHeader("Authorization", hs.authorization());
        }
        integration.headers().forEach(req::setHeader);
        return req.build();
    }

    private long retry(Outbox.Entry e, String detail, long delayMillis, long attempts) {
        metrics.failed(receiver, integration.type(), true);
        log.warn("notification failed, will retry [receiver={}, integration={}, attempt={}, retry_in_ms={}, error={}]",
                receiver, key, attempts, delayMillis, detail);
        return delayMillis;
    }

    private long giveUp(Outbox.Entry e, String detail) {
        metrics.failed(receiver, integration.type(), false);
        log.error("notification failed permanently, dropped [receiver={}, integration={}, group={}, error={}]",
                receiver, key, e.groupKey(), detail);
        outbox.remove(e);
        return -1;
    }

    /** Exponential backoff with full jitter: uniform in [initial/2, min(max, initial * 2^(n-1))]. */
    long backoff(long attempt) {
        long cap = initialBackoffMillis << Math.min(attempt - 1, 30);
        cap = Math.min(Math.max(cap, initialBackoffMillis), maxBackoffMillis);
        long floor = Math.min(initialBackoffMillis / 2, cap);
        return floor + ThreadLocalRandom.current().nextLong(cap - floor + 1);
    }

    /** Retry-After as delay-seconds or as an HTTP-date (RFC 9110); -1 when absent or unreadable. */
    static long retryAfterMillis(String header) {
        return retryAfterMillis(header, System.currentTimeMillis());
    }

    static long retryAfterMillis(String header, long nowMillis) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        String h = header.trim();
        try {
            return Math.max(0, Math.min(Long.parseLong(h), MAX_RETRY_AFTER_MILLIS / 1000)) * 1000;
        } catch (NumberFormatException e) {
            try {
                long at = java.time.ZonedDateTime.parse(h, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant().toEpochMilli();
                return Math.max(0, at - nowMillis);
            } catch (java.time.format.DateTimeParseException e2) {
                return -1;
            }
        }
    }

    private static String abbreviate(String s) {
        String t = s == null ? "" : s.strip();
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

    /**
     * Stops after the attempt in progress. No interrupt: it would abort an outbox write half-way (the channel
     * closes) and leave a delivered notification in the outbox; the request timeout bounds the wait instead.
     */
    @Override
    public void close() {
        isStopped = true;
        wake();
        try {
            thread.join(integration.timeoutMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsHttp) {
            http.close();
        }
    }
}
