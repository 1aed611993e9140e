package io.sightline.bench.e2e;

import com.google.protobuf.InvalidProtocolBufferException;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends prepared OTLP/HTTP protobuf bodies, in list order, from {@code connections} senders as fast as the server
 * acknowledges them; 429 and 503 are retried after 10 ms (and counted). The load generators build the bodies
 * before the clock starts, so this measures the server, not protobuf encoding.
 */
final class LoadSender {
    /** How many items the server reported as rejected in one 200 response body (partial success). */
    interface Rejected {
        long of(byte[] responseBody) throws InvalidProtocolBufferException;
    }

    /** Wall time, rejected items, retried 429/503 answers, and the latency of every request in nanoseconds. */
    record Result(double seconds, long rejected, long throttled, Histogram latency) {
        String latencyMillis() {
            return "p50 %.2f p90 %.2f p99 %.2f max %.2f".formatted(latency.getValueAtPercentile(50) / 1e6,
                    latency.getValueAtPercentile(90) / 1e6, latency.getValueAtPercentile(99) / 1e6, latency.getMaxValue() / 1e6);
        }
    }

    private LoadSender() {
    }

    static Result run(String url, List<byte[]> bodies, int connections, Rejected rejectedOf) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Histogram latency = new Histogram(60_000_000_000L, 3);
        AtomicLong next = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        AtomicLong throttled = new AtomicLong();
        long t0 = System.nanoTime();
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            senders.add(Thread.ofPlatform().start(() -> {
                Histogram mine = new Histogram(60_000_000_000L, 3);
                int i;
                while ((i = (int) next.getAndIncrement()) < bodies.size()) {
                    send(http, url, bodies.get(i), mine, rejected, throttled, rejectedOf);
                }
                synchronized (latency) {
                    latency.add(mine);
                }
            }));
        }
        for (Thread t : senders) {
            t.join();
        }
        return new Result((System.nanoTime() - t0) / 1e9, rejected.get(), throttled.get(), latency);
    }

    private static void send(HttpClient http, String url, byte[] body, Histogram latency, AtomicLong rejected, AtomicLong throttled,
                             Rejected rejectedOf) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-protobuf")
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        while (true) {
            long t = System.nanoTime();
            try {
                HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                latency.recordValue(Math.min(System.nanoTime() - t, 59_000_000_000L));
                if (r.statusCode() == 429 || r.statusCode() == 503) {
                    throttled.incrementAndGet();
                    Thread.sleep(10);
                    continue;
                }
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + r.statusCode() + ": " + new String(r.body()));
                }
                rejected.addAndGet(rejectedOf.of(r.body()));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
