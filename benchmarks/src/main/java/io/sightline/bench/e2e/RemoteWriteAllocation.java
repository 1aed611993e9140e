package io.sightline.bench.e2e;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.sightline.ingest.IngestConfig;
import io.sightline.ingest.IngestService;
import io.sightline.ingest.OtlpHttpReply;
import io.sightline.query.ApiConfig;
import io.sightline.query.ApiServer;
import io.sightline.query.HttpResult;
import io.sightline.query.QueryConfig;
import io.sightline.query.QueryEngines;
import io.sightline.query.Route;
import io.sightline.storage.Storage;
import io.sightline.storage.StorageConfig;
import io.sightline.storage.WalSyncMode;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Bytes allocated and CPU spent per remote-write sample by the server's threads, per phase: the first round
 * (every series is created) and the later rounds (steady state), over real HTTP. A real store, the ingest
 * service and the HTTP API server with the remote-write route (as {@code server}'s wiring has it) run in this
 * process; the main thread sends {@link RemoteWriteWorkload}'s requests over one keep-alive connection and is
 * not counted. Each round reads every other thread's allocated bytes ({@code com.sun.management.ThreadMXBean})
 * and CPU time before and after, grouped by thread name without its number. Allocation is exact (not sampled)
 * and, unlike wall time, not disturbed by other processes on a shared machine.
 *
 * <p>Arguments: series (default 100000), rounds (default 20).
 */
public final class RemoteWriteAllocation {
    private static final int BATCH = 2_000;
    private static final int WARM_ROUNDS = 3;

    private RemoteWriteAllocation() {
    }

    public static void main(String[] args) throws Exception {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        if (rounds <= WARM_ROUNDS) {
            throw new IllegalArgumentException("rounds must be more than " + WARM_ROUNDS + ", got " + rounds);
        }
        Path dir = Files.createTempDirectory("remote-write-alloc");
        Meter meter = OpenTelemetry.noop().getMeter("bench");
        try (Storage storage = Storage.open(new StorageConfig(dir, StorageConfig.DEFAULT_BLOCK_DURATION_MILLIS,
                StorageConfig.DEFAULT_RETENTION_MILLIS, WalSyncMode.INTERVAL, 1_000, 128L << 20, 0, 1_000_000), meter);
             IngestService ingest = IngestService.start(IngestConfig.defaults().withListen("127.0.0.1", 0, 0), storage,
                     meter);
             ApiServer api = ApiServer.start(ApiConfig.defaults().withListen("127.0.0.1", 0),
                     QueryEngines.promql(storage, QueryConfig.defaults(), meter), storage, List.of(route(ingest)), meter);
             Socket socket = new Socket("127.0.0.1", api.port())) {
            RemoteWriteWorkload workload = new RemoteWriteWorkload(series, BATCH,
                    System.currentTimeMillis() / 15_000 * 15_000 - 15_000L * (rounds + 240));
            Client client = new Client(socket);
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            Map<String, double[]> allocByGroup = new TreeMap<>(); // bytes per sample per round
            Map<String, double[]> cpuByGroup = new TreeMap<>();   // ns per sample per round
            for (int r = 0; r < rounds; r++) {
                List<byte[]> requests = workload.round(r);
                Snapshot before = Snapshot.take(threads);
                for (byte[] body : requests) {
                    client.post(body, r);
                }
                Snapshot after = Snapshot.take(threads);
                after.minus(before, allocByGroup, cpuByGroup, r, rounds, workload.series());
            }
            print("allocated B/sample", allocByGroup, rounds);
            print("CPU ns/sample", cpuByGroup, rounds);
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** As server's {@code Wiring.remoteWriteRoute}. */
    private static Route route(IngestService ingest) {
        return new Route(Set.of("POST"), "/api/v1/write", false, call -> {
            OtlpHttpReply r = ingest.handleRemoteWrite(call.header("content-type"), call.header("content-encoding"),
                    call.content().length(), call.content()::copyTo);
            return new HttpResult(r.status(), r.contentType(), r.headers(), r.body());
        });
    }

    private static void print(String what, Map<String, double[]> byGroup, int rounds) {
        double[] total = new double[rounds];
        System.out.printf("%s (first round = series creation; steady = median of rounds %d-%d)%n", what, WARM_ROUNDS,
                rounds - 1);
        for (Map.Entry<String, double[]> e : byGroup.entrySet()) {
            double[] v = e.getValue();
            for (int r = 0; r < rounds; r++) {
                total[r] += v[r];
            }
            if (v[0] >= 0.05 || steady(v) >= 0.05) {
                System.out.printf(Locale.ROOT, "  %-32s first %9.1f  steady %8.2f%n", e.getKey(), v[0], steady(v));
            }
        }
        System.out.printf(Locale.ROOT, "  %-32s first %9.1f  steady %8.2f%n", "TOTAL", total[0], steady(total));
    }

    private static double steady(double[] perRound) {
        double[] s = Arrays.copyOfRange(perRound, WARM_ROUNDS, perRound.length);
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** Allocated bytes and CPU time of every live thread but the caller. */
    private record Snapshot(Map<Long, String> names, Map<Long, Long> allocated, Map<Long, Long> cpu) {
        static Snapshot take(com.sun.management.ThreadMXBean mx) {
            long self = Thread.currentThread().threadId();
            Map<Long, String> names = new HashMap<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.threadId() != self) {
                    names.put(t.threadId(), t.getName().replaceAll("[-#]?\\d+", "-N"));
                }
            }
            long[] ids = names.keySet().stream().mapToLong(Long::longValue).toArray();
            long[] alloc = mx.getThreadAllocatedBytes(ids);
            long[] cpu = mx.getThreadCpuTime(ids);
            Map<Long, Long> a = new HashMap<>();
            Map<Long, Long> c = new HashMap<>();
            for (int i = 0; i < ids.length; i++) {
                a.put(ids[i], alloc[i]);
                c.put(ids[i], cpu[i]);
            }
            return new Snapshot(names, a, c);
        }

        void minus(Snapshot before, Map<String, double[]> allocByGroup, Map<String, double[]> cpuByGroup, int round,
                   int rounds, int samples) {
            for (Map.Entry<Long, String> e : names.entrySet()) {
                long id = e.getKey();
                long a0 = before.allocated.getOrDefault(id, 0L);
                long c0 = before.cpu.getOrDefault(id, 0L);
                allocByGroup.computeIfAbsent(e.getValue(), k -> new double[rounds])[round] +=
                        (allocated.get(id) - a0) / (double) samples;
                cpuByGroup.computeIfAbsent(e.getValue(), k -> new double[rounds])[round] +=
                        (cpu.get(id) - c0) / (double) samples;
            }
        }
    }

    /** A minimal HTTP/1.1 client over one keep-alive connection (its allocation is the main thread's, not counted). */
    private static final class Client {
        private final OutputStream out;
        private final InputStream in;

        Client(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 64 << 10);
        }

        void post(byte[] body, int round) throws IOException {
            String head = "POST /api/v1/write HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
                    + "Content-Encoding: snappy\r\nX-Prometheus-Remote-Write-Version: 0.1.0\r\nContent-Length: "
                    + body.length + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String status = line();
            int length = 0;
            for (String h = line(); !h.isEmpty(); h = line()) {
                if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(h.substring(15).strip());
                }
            }
            byte[] answer = in.readNBytes(length);
            if (!status.startsWith("HTTP/1.1 204")) {
                throw new IllegalStateException("round " + round + ": " + status + " "
                        + new String(answer, StandardCharsets.UTF_8));
            }
        }

        private String line() throws IOException {
            List<Byte> bytes = new ArrayList<>();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed by the server");
                }
                if (b != '\r') {
                    bytes.add((byte) b);
                }
            }
            byte[] a = new byte[bytes.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = bytes.get(i);
            }
            return new String(a, StandardCharsets.US_ASCII);
        }
    }
}
