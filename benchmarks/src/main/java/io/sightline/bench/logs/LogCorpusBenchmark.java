package io.sightline.bench.logs;

import com.github.luben.zstd.Zstd;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.sightline.ingest.IngestConfig;
import io.sightline.ingest.IngestService;
import io.sightline.ingest.LogsIngestConfig;
import io.sightline.query.LogQueryConfig;
import io.sightline.query.LogQueryEngine;
import io.sightline.query.LogQueryResult;
import io.sightline.query.Value;
import io.sightline.storage.LogStore;
import io.sightline.storage.LogStoreConfig;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FastDecompressor;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The logs speed run of issue 6 on a generated corpus: ingest MB/s over OTLP/HTTP into the real store, bytes on
 * disk per line next to {@code zstd -3} of the raw text, a needle search next to {@code grep -c}, and
 * {@code count_over_time} by service; plus zstd vs lz4 on page-sized chunks of one service's lines.
 *
 * <p>Usage: {@code java -Xmx3g -cp benchmarks/target/benchmarks.jar io.sightline.bench.logs.LogCorpusBenchmark
 * --mb 200 --dir /tmp/logbench --senders 4}
 */
public final class LogCorpusBenchmark {
    private static final int LINES_PER_REQUEST = 2_000;

    private LogCorpusBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long targetBytes = 200L << 20;
        Path dir = Path.of("/tmp/sightline-logbench");
        int senders = 4;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--mb" -> targetBytes = Long.parseLong(args[i + 1]) << 20;
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--senders" -> senders = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        deleteTree(dir);
        Files.createDirectories(dir);
        Path raw = dir.resolve("corpus.txt");
        long startNanos = (System.currentTimeMillis() - 3 * 3_600_000L) * 1_000_000L;

        // 1. Generate the corpus and the OTLP requests (before the clock starts).
        LogCorpus corpus = new LogCorpus(42, startNanos, 100_000);
        List<byte[]> requests = new ArrayList<>();
        long lines = 0;
        long bodyBytes = 0;
        List<List<String>> sampleByService = new ArrayList<>();
        for (int s = 0; s < LogCorpus.SERVICES.length; s++) {
            sampleByService.add(new ArrayList<>());
        }
        long lastTs = 0;
        try (BufferedWriter out = Files.newBufferedWriter(raw, StandardCharsets.UTF_8)) {
            while (bodyBytes < targetBytes) {
                List<LogCorpus.Line> batch = corpus.next(LINES_PER_REQUEST);
                ExportLogsServiceRequest.Builder req = ExportLogsServiceRequest.newBuilder();
                ScopeLogs.Builder[] scopes = new ScopeLogs.Builder[LogCorpus.SERVICES.length];
                for (LogCorpus.Line l : batch) {
                    out.write(l.body());
                    out.write('\n');
                    bodyBytes += l.body().getBytes(StandardCharsets.UTF_8).length + 1;
                    lines++;
                    lastTs = l.timestampNanos();
                    if (scopes[l.service()] == null) {
                        scopes[l.service()] = ScopeLogs.newBuilder();
                    }
                    scopes[l.service()].addLogRecords(LogRecord.newBuilder().setTimeUnixNano(l.timestampNanos())
                            .setBody(AnyValue.newBuilder().setStringValue(l.body())));
                    if (sampleByService.get(l.service()).size() < 20_000) {
                        sampleByService.get(l.service()).add(l.body());
                    }
                }
                for (int s = 0; s < scopes.length; s++) {
                    if (scopes[s] != null) {
                        req.addResourceLogs(ResourceLogs.newBuilder().setResource(Resource.newBuilder()
                                .addAttributes(kv("service.name", LogCorpus.SERVICES[s]))
                                .addAttributes(kv("deployment.environment", "prod"))
                                .addAttributes(kv("host.name", "node-" + (s % 3)))).addScopeLogs(scopes[s]));
                    }
                }
                requests.add(req.build().toByteArray());
            }
        }
        System.out.printf("corpus: %,d lines, %,d bytes (%.1f MB), %d needle lines, %d requests%n", lines, bodyBytes,
                bodyBytes / 1e6, corpus.needles(), requests.size());

        compressionComparison(sampleByService);

        // 2. Ingest over OTLP/HTTP into the real stores.
        LogStoreConfig logConfig = new LogStoreConfig(dir.resolve("data/logs"), 3_600_000, 128L << 20, 30L * 86_400_000,
                WalSyncMode.INTERVAL, 1_000);
        try (Storage metrics = Storage.open(StorageConfig.defaults(dir.resolve("data")), OpenTelemetry.noop().getMeter("b"));
             LogStore logs = LogStore.open(logConfig, OpenTelemetry.noop().getMeter("b"))) {
            IngestService ingest = IngestService.start(IngestConfig.defaults().withListen("127.0.0.1", 0, 0), metrics, logs,
                    LogsIngestConfig.defaults(), OpenTelemetry.noop().getMeter("b"));
            try {
                URI uri = URI.create("http://127.0.0.1:" + ingest.httpPort() + "/v1/logs");
                HttpClient http = HttpClient.newHttpClient();
                AtomicInteger next = new AtomicInteger();
                long cpu0 = processCpuNanos();
                long gc0 = gcMillis();
                long t0 = System.nanoTime();
                Thread[] threads = new Thread[senders];
                for (int i = 0; i < senders; i++) {
                    threads[i] = Thread.ofPlatform().start(() -> {
                        int k;
                        while ((k = next.getAndIncrement()) < requests.size()) {
                            send(http, uri, requests.get(k));
                        }
                    });
                }
                for (Thread t : threads) {
                    t.join();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double cpu = (processCpuNanos() - cpu0) / 1e9;
                double gcSeconds = (gcMillis() - gc0) / 1e3;
                // CPU per MB is what the shared machine cannot distort: wall time there depends on others' load.
                System.out.printf("ingest: %.1f s, %.1f MB/s of log text, %,.0f lines/s (%d senders, %d requests retried after"
                        + " 429/503); process CPU %.1f s = %.1f MB per CPU-second (senders and cuts included), load average %.1f%n",
                        seconds, bodyBytes / 1e6 / seconds, lines / seconds, senders, RETRIES.get(), cpu, bodyBytes / 1e6 / cpu,
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                System.out.printf("ingest GC: %.1f s of collection time (wall, all threads stopped)%n", gcSeconds);
            } finally {
                ingest.close();
            }
            long t1 = System.nanoTime();
            long cpu1 = processCpuNanos();
            logs.cutSegment();
            System.out.printf("final cut: %.1f s (CPU %.1f s)%n", (System.nanoTime() - t1) / 1e9, (processCpuNanos() - cpu1) / 1e9);

            // 3. Disk.
            long disk = treeSize(dir.resolve("data/logs"));
            long zstd = zstdCli(raw);
            System.out.printf("disk: %,d bytes = %.1f bytes/line (%.1f%% of raw); zstd -3 of the raw text: %,d bytes = %.1f bytes/line;"
                    + " ratio to zstd -3: %.2f%n", disk, disk / (double) lines, 100.0 * disk / bodyBytes, zstd, zstd / (double) lines,
                    disk / (double) zstd);

            // 4. Needle search vs grep -c.
            LogQueryEngine engine = LogQueryEngine.create(logs, LogQueryConfig.defaults());
            long end = lastTs + 1;
            String needleQuery = "{deployment_environment=\"prod\"} |= \"" + LogCorpus.NEEDLE + "\"";
            long[] found = {0};
            // A server answers many queries: 3 unmeasured runs first, so the JIT has compiled the query path.
            double needleMs = medianMillis(3, 9, () -> {
                LogQueryResult r = engine.rangeQuery(needleQuery, startNanos, end, 60_000_000_000L, 5000, false);
                found[0] = r.streams().stream().mapToLong(s -> s.entries().size()).sum();
            });
            // CPU too: on the shared machine wall times swing with others' load, CPU time much less. Process CPU over 9
            // runs, since a narrowed search reads its pages on two threads (the process is otherwise idle here).
            long needleCpu0 = processCpuNanos();
            for (int i = 0; i < 9; i++) {
                engine.rangeQuery(needleQuery, startNanos, end, 60_000_000_000L, 5000, false);
            }
            double needleCpuMs = (processCpuNanos() - needleCpu0) / 1e6 / 9;
            double grepCpuMs = grepCpuMillis(raw);
            long[] grepCount = {0};
            double grepMs = medianMillis(1, 9, () -> grepCount[0] = grep(raw));
            System.out.printf("needle: sightline %.1f ms (%d lines), grep -c %.1f ms (%d lines): %.1fx; CPU: sightline %.1f ms,"
                    + " grep %.1f ms (user+sys): %.1fx%n", needleMs, found[0], grepMs, grepCount[0], grepMs / needleMs,
                    needleCpuMs, grepCpuMs, grepCpuMs / needleCpuMs);

            // 5. count_over_time by service over the whole corpus (one instant covering everything, and a 1m-step range):
            // the page-index path, then the same queries through the line-reading path (`|= ""` is a no-op stage that
            // keeps the fast path out), so that before and after come from one run on one load.
            String instantQ = "sum by (service_name) (count_over_time({deployment_environment=\"prod\"}[4h]))";
            String rangeQ = "sum by (service_name) (count_over_time({deployment_environment=\"prod\"}[1m]))";
            for (String[] variant : new String[][] {{"page index", ""}, {"every line (|= \"\")", " |= \"\""}}) {
                boolean isSlow = !variant[1].isEmpty();
                String iq = instantQ.replace("}[", "}" + variant[1] + " [");
                String rq = rangeQ.replace("}[", "}" + variant[1] + " [");
                double[] total = {0};
                long[] cpu = {0};
                double instantMs = medianMillis(isSlow ? 1 : 3, () -> {
                    long c0 = processCpuNanos();
                    Value v = engine.instantQuery(iq, end, 100, true).metric();
                    cpu[0] = processCpuNanos() - c0;
                    total[0] = ((Value.Vector) v).samples().stream().mapToDouble(Value.Sample::value).sum();
                });
                double instantCpuMs = cpu[0] / 1e6;
                double[] rangeTotal = {0};
                double rangeMs = medianMillis(isSlow ? 1 : 3, () -> {
                    long c0 = processCpuNanos();
                    Value v = engine.rangeQuery(rq, startNanos, end, 60_000_000_000L, 100, true).metric();
                    cpu[0] = processCpuNanos() - c0;
                    rangeTotal[0] = ((Value.Matrix) v).series().stream()
                            .mapToDouble(sp -> Arrays.stream(sp.values(), 0, sp.count()).sum()).sum();
                });
                System.out.printf("count_over_time by service, %s: instant over all %.0f ms (CPU %.0f ms, total %.0f lines),"
                        + " range at 1m step %.0f ms (CPU %.0f ms, sum of points %.0f)%n", variant[0], instantMs, instantCpuMs,
                        total[0], rangeMs, cpu[0] / 1e6, rangeTotal[0]);
            }
        }
    }

    private static long gcMillis() {
        long ms = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    private static void compressionComparison(List<List<String>> byService) {
        // Page-sized chunks (64 KiB of bodies of one service), as the segment writer builds them.
        List<byte[]> chunks = new ArrayList<>();
        for (List<String> lines : byService) {
            StringBuilder sb = new StringBuilder();
            for (String l : lines) {
                sb.append(l).append('\n');
                if (sb.length() >= 64 << 10) {
                    chunks.add(sb.toString().getBytes(StandardCharsets.UTF_8));
                    sb.setLength(0);
                }
            }
        }
        long raw = chunks.stream().mapToLong(c -> c.length).sum();
        LZ4Factory lz4 = LZ4Factory.fastestInstance();
        report("zstd-3", chunks, raw, c -> Zstd.compress(c, 3), (c, n) -> Zstd.decompress(c, n));
        report("zstd-1", chunks, raw, c -> Zstd.compress(c, 1), (c, n) -> Zstd.decompress(c, n));
        LZ4FastDecompressor d = lz4.fastDecompressor();
        LZ4Compressor fast = lz4.fastCompressor();
        LZ4Compressor high = lz4.highCompressor();
        report("lz4", chunks, raw, fast::compress, (c, n) -> d.decompress(c, n));
        report("lz4hc", chunks, raw, high::compress, (c, n) -> d.decompress(c, n));
    }

    private interface Codec {
        byte[] apply(byte[] b);
    }

    private interface Decoder {
        byte[] apply(byte[] b, int n);
    }

    private static void report(String name, List<byte[]> chunks, long raw, Codec c, Decoder d) {
        List<byte[]> packed = new ArrayList<>();
        long t0 = System.nanoTime();
        for (byte[] b : chunks) {
            packed.add(c.apply(b));
        }
        double enc = (System.nanoTime() - t0) / 1e9;
        long size = packed.stream().mapToLong(p -> p.length).sum();
        long t1 = System.nanoTime();
        for (int rep = 0; rep < 3; rep++) {
            for (int i = 0; i < chunks.size(); i++) {
                d.apply(packed.get(i), chunks.get(i).length);
            }
        }
        double dec = (System.nanoTime() - t1) / 1e9 / 3;
        System.out.printf("page codec %-6s: ratio %.2f (%,d -> %,d), encode %.0f MB/s, decode %.0f MB/s%n", name,
                raw / (double) size, raw, size, raw / 1e6 / enc, raw / 1e6 / dec);
    }

    /** Requests answered 429/503 and sent again, as an OTLP exporter retries them. */
    private static final AtomicInteger RETRIES = new AtomicInteger();

    private static void send(HttpClient http, URI uri, byte[] body) {
        try {
            while (true) {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-protobuf")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
                if (r.statusCode() != 429 && r.statusCode() != 503) {
                    throw new IllegalStateException("ingest answered " + r.statusCode());
                }
                RETRIES.incrementAndGet();
                // The exporter's retry: honour Retry-After, capped so that the run measures the store, not the wait.
                long seconds = r.headers().firstValueAsLong("retry-after").orElse(1);
                Thread.sleep(Math.min(seconds * 1000, 500));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double medianMillis(int runs, Runnable r) {
        return medianMillis(0, runs, r);
    }

    private static double medianMillis(int warmups, int runs, Runnable r) {
        for (int i = 0; i < warmups; i++) {
            r.run();
        }
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[runs / 2];
    }

    private static long grep(Path raw) {
        try {
            Process p = new ProcessBuilder("grep", "-c", LogCorpus.NEEDLE, raw.toString()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * User plus system CPU of one {@code grep -c} over the file, as bash's {@code time} reports it. Its output goes
     * through a pipe: GNU grep writing to /dev/null stops at the first match.
     */
    private static double grepCpuMillis(Path raw) {
        try {
            Process p = new ProcessBuilder("bash", "-c", "TIMEFORMAT='%3U %3S'; time grep -c " + LogCorpus.NEEDLE + " "
                    + raw + " | cat > /dev/null").start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            String[] us = err.substring(err.lastIndexOf('\n') + 1).split(" ");
            return (Double.parseDouble(us[0]) + Double.parseDouble(us[1])) * 1000;
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw new IllegalStateException("cannot time grep: " + e, e);
        }
    }

    private static long zstdCli(Path raw) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("zstd", "-3", "-q", "-c", raw.toString()).start();
        long n = 0;
        try (InputStream in = p.getInputStream()) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                n += r;
            }
        }
        p.waitFor();
        return n;
    }

    private static long treeSize(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    private static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }
}
