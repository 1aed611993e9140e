package io.sightline.bench.e2e;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * End-to-end Prometheus remote-write load against any receiver (Sightline, Prometheus with
 * {@code --web.enable-remote-write-receiver}, VictoriaMetrics): the {@link RemoteWriteWorkload} (counters with
 * resets, gauges, classic histograms; 15 s interval), sent as fast as the receiver acknowledges it from
 * {@code --connections} senders. Like Prometheus's remote-write shards, each sender owns a fixed share of the
 * series and sends its requests round after round, so every series arrives in time order. 429 and 503 are
 * retried (after Retry-After, at most 1 s); the latency of each attempt goes into an HdrHistogram.
 *
 * <p>Flags: {@code --url} (default http://127.0.0.1:9090/api/v1/write), {@code --series} (10000),
 * {@code --rounds} (240 = 1 h of data) or {@code --samples}, {@code --quick} (10k series x 1 h),
 * {@code --full} (100k series x 100 rounds = 10M samples), {@code --connections} (4), {@code --batch} samples
 * per request (2000, Prometheus's max_samples_per_send), {@code --end-ms} the newest sample's time (default: now,
 * floored to 15 s; pass the same value to every target so they get identical bytes), {@code --duration} (e.g.
 * {@code 10m}: soak mode, rounds from a day back, as fast as taken but never ahead of the clock, until the time is
 * up; {@code --pid P} checks the RSS of process P stays bounded, {@code --verify-url U} that every acknowledged
 * sample is queryable from U at the end; see {@link SoakCheck}; exit status 1 when a check fails).
 * Requests are built and compressed before the clock starts (in soak mode, round by round).
 * The last line is machine-readable: {@code RESULT samples=.. seconds=.. samples_per_s=.. p50_ms=.. p99_ms=..}.
 */
public final class RemoteWriteLoadGenerator {
    private RemoteWriteLoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        String url = "http://127.0.0.1:9090/api/v1/write";
        int series = 10_000;
        long rounds = 240;
        long samples = -1;
        int connections = 4;
        int batch = 2000;
        long endMillis = (System.currentTimeMillis() / RemoteWriteWorkload.INTERVAL_MS) * RemoteWriteWorkload.INTERVAL_MS;
        long durationMillis = 0;
        long pid = -1;
        String verifyUrl = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "--series" -> series = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Long.parseLong(args[++i]);
                case "--samples" -> samples = Long.parseLong(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--end-ms" -> endMillis = Long.parseLong(args[++i]);
                case "--duration" -> durationMillis = parseDuration(args[++i]);
                case "--pid" -> pid = Long.parseLong(args[++i]);
                case "--verify-url" -> verifyUrl = args[++i];
                case "--quick" -> {
                    series = 10_000;
                    rounds = 240;
                }
                case "--full" -> {
                    series = 100_000;
                    rounds = 100;
                }
                default -> throw new IllegalArgumentException("unknown flag " + args[i] + " (known: --url --series"
                        + " --rounds --samples --quick --full --connections --batch --end-ms --duration --pid --verify-url)");
            }
        }
        if (samples > 0) {
            rounds = Math.max(1, samples / series);
        }
        Sender sender = new Sender(url, connections);
        if (durationMillis > 0) {
            long startMillis = endMillis - SoakCheck.BACKDATE_MILLIS;
            SoakCheck check = new SoakCheck(pid, verifyUrl, startMillis);
            soak(new RemoteWriteWorkload(series, batch, startMillis), sender, durationMillis, endMillis, check);
            System.exit(check.isPassed() ? 0 : 1);
        }
        long startMillis = endMillis - (rounds - 1) * RemoteWriteWorkload.INTERVAL_MS;
        RemoteWriteWorkload workload = new RemoteWriteWorkload(series, batch, startMillis);
        int perRound = workload.batchesPerRound();
        System.out.printf("building %d requests (%d series, %d rounds, %d samples, %d samples per request)...%n",
                rounds * perRound, workload.series(), rounds, rounds * workload.series(), batch);
        List<List<byte[]>> all = new ArrayList<>();
        long bytes = 0;
        for (int r = 0; r < rounds; r++) {
            List<byte[]> round = workload.round(r);
            for (byte[] b : round) {
                bytes += b.length;
            }
            all.add(round);
        }
        System.out.printf("payload: %.1f MiB snappy, %.1f bytes per sample on the wire%n", bytes / 1048576.0,
                (double) bytes / (rounds * workload.series()));
        long t0 = System.nanoTime();
        sender.send(all);
        double seconds = (System.nanoTime() - t0) / 1e9;
        sender.report(rounds * workload.series(), seconds);
    }

    /**
     * Rounds of fresh data, built as they go, until the time is up; reports every minute. The rounds start
     * {@link SoakCheck#BACKDATE_MILLIS} before {@code endMillis} and go as fast as the target takes them, but
     * never past {@code endMillis} plus real time elapsed: a later round waits (15 s per round), so timestamps
     * never run ahead of the target's clock (a server refuses those past its future-skew limit).
     */
    private static void soak(RemoteWriteWorkload workload, Sender sender, long durationMillis, long endMillis,
                             SoakCheck check) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + durationMillis * 1_000_000;
        long t0 = System.nanoTime();
        long wallStart = System.currentTimeMillis();
        long sent = 0;
        long lastReport = t0;
        int r = 0;
        for (; System.nanoTime() < deadline; r++) {
            long ts = workload.timestamp(r);
            long allowed = endMillis + (System.currentTimeMillis() - wallStart);
            if (ts > allowed) {
                Sender.sleep(Math.min(ts - allowed, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                if (System.nanoTime() >= deadline) {
                    break;
                }
            }
            sender.send(List.of(workload.round(r)));
            sent += workload.series();
            check.afterRound((System.nanoTime() - t0) / 1e9);
            if (System.nanoTime() - lastReport > 60_000_000_000L) {
                lastReport = System.nanoTime();
                System.out.printf("soak: %d rounds, %d samples, %.0f samples/s%n", r + 1, sent, sent / ((lastReport - t0) / 1e9));
            }
        }
        sender.report(sent, (System.nanoTime() - t0) / 1e9);
        check.finish(r, workload.series() / RemoteWriteWorkload.SERIES_PER_TARGET, sender.badRequests.get());
    }

    private static long parseDuration(String s) {
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        return switch (s.charAt(s.length() - 1)) {
            case 's' -> n * 1000;
            case 'm' -> n * 60_000;
            case 'h' -> n * 3_600_000;
            default -> throw new IllegalArgumentException("--duration needs a unit s, m or h: " + s);
        };
    }

    /** Sends rounds of requests from {@code connections} threads; sender c owns requests c, c+n, c+2n... of a round. */
    private static final class Sender {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final URI uri;
        private final int connections;
        private final Histogram latency = new Histogram(60_000_000_000L, 3);
        private final AtomicLong retries = new AtomicLong();
        private final AtomicLong badRequests = new AtomicLong();
        private final AtomicReference<String> firstBad = new AtomicReference<>();

        Sender(String url, int connections) {
            this.uri = URI.create(url);
            this.connections = connections;
        }

        void send(List<List<byte[]>> rounds) {
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int me = c;
                threads.add(Thread.ofPlatform().name("sender-" + c).start(() -> {
                    Histogram mine = new Histogram(60_000_000_000L, 3);
                    for (List<byte[]> round : rounds) {
                        for (int i = me; i < round.size(); i += connections) {
                            post(round.get(i), mine);
                        }
                    }
                    synchronized (latency) {
                        latency.add(mine);
                    }
                }));
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private void post(byte[] body, Histogram mine) {
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                    .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            for (int attempt = 0; ; attempt++) {
                long t = System.nanoTime();
                HttpResponse<String> r;
                try {
                    r = http.send(req, HttpResponse.BodyHandlers.ofString());
                } catch (java.io.IOException e) {
                    if (attempt < 5) {
                        retries.incrementAndGet();
                        continue;
                    }
                    throw new IllegalStateException("POST " + uri + " failed: " + e, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                mine.recordValue(Math.min(System.nanoTime() - t, 59_000_000_000L));
                int status = r.statusCode();
                if (status == 429 || status == 503) {
                    retries.incrementAndGet();
                    long wait = r.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
                    sleep(Math.min(1000, Math.max(10, wait * 1000 / 10)));
                    continue;
                }
                if (status / 100 != 2) {
                    badRequests.incrementAndGet();
                    firstBad.compareAndSet(null, status + " " + r.body().strip());
                }
                return;
            }
        }

        void report(long samples, double seconds) {
            System.out.printf("sent %d samples in %.2f s: %.0f samples/s; retried (429/503/io) %d; non-2xx answers %d%s%n",
                    samples, seconds, samples / seconds, retries.get(), badRequests.get(),
                    firstBad.get() == null ? "" : " (first: " + firstBad.get() + ")");
            System.out.printf("request latency ms: p50 %.2f p90 %.2f p99 %.2f max %.2f%n",
                    latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(90) / 1e6,
                    latency.getValueAtPercentile(99) / 1e6, latency.getMaxValue() / 1e6);
            System.out.printf("RESULT samples=%d seconds=%.3f samples_per_s=%.0f p50_ms=%.2f p99_ms=%.2f retries=%d non2xx=%d%n",
                    samples, seconds, samples / seconds, latency.getValueAtPercentile(50) / 1e6,
                    latency.getValueAtPercentile(99) / 1e6, retries.get(), badRequests.get());
        }

        static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
