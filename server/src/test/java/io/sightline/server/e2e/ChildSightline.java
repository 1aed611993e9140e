package io.sightline.server.e2e;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Sightline in a child JVM (io.sightline.server.Main on the test class path), for crash and signal tests. */
final class ChildSightline implements AutoCloseable {
    final int httpPort;
    final int otlpHttpPort;
    final int otlpGrpcPort;
    final Path log;
    private final Process process;

    private ChildSightline(Process process, int httpPort, int otlpHttpPort, int otlpGrpcPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.otlpHttpPort = otlpHttpPort;
        this.otlpGrpcPort = otlpGrpcPort;
        this.log = log;
    }

    /** Main on the test class path, with the JVM flags this test JVM got. */
    static ChildSightline start(Path dataDir, Path log) throws IOException {
        return start(dataDir, log, new String[0]);
    }

    /** As {@link #start(Path, Path)}, with further command-line arguments such as {@code --config FILE}. */
    static ChildSightline start(Path dataDir, Path log, String... extraArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc")
                    || arg.startsWith("-Dchronicle.")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.sightline.server.Main"));
        cmd.addAll(List.of(extraArgs));
        return start(cmd, dataDir, log);
    }

    /** {@code java -jar jar} exactly as a user runs it: no JVM flags beyond what the manifest carries. */
    static ChildSightline startJar(Path jar, Path dataDir, Path log) throws IOException {
        return start(new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar.toString())), dataDir, log);
    }

    private static ChildSightline start(List<String> cmd, Path dataDir, Path log) throws IOException {
        int http = freePort();
        int otlpHttp = freePort();
        int grpc = freePort();
        cmd.addAll(List.of("--data-dir", dataDir.toString(), "--listen-address", "127.0.0.1",
                "--http-port", Integer.toString(http), "--otlp-http-port", Integer.toString(otlpHttp),
                "--otlp-grpc-port", Integer.toString(grpc)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        ChildSightline child = new ChildSightline(p, http, otlpHttp, grpc, log);
        child.awaitReady(Duration.ofSeconds(60));
        return child;
    }

    private void awaitReady(Duration timeout) throws IOException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        long backoffMillis = 50;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("child Sightline exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            sleep(backoffMillis);
            backoffMillis = Math.min(500, backoffMillis * 2);
        }
        throw new AssertionError("child Sightline not ready within " + timeout + ":\n" + Files.readString(log));
    }

    /** One writer's request number {@code i}; true when the server acknowledged it in full. */
    interface Request {
        boolean send(int writer, long i) throws IOException;
    }

    /**
     * Runs {@code writers} threads sending request after request until one fails, kills the process with SIGKILL
     * once {@code minRequests} were acknowledged in all (or after 60 s) while requests are in flight, and returns
     * how many requests each writer had acknowledged (all before its first failure).
     */
    long[] killDuringWrites(int writers, long minRequests, Request request) throws InterruptedException {
        long[] acked = new long[writers];
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong total = new java.util.concurrent.atomic.AtomicLong();
        Thread[] threads = new Thread[writers];
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads[w] = Thread.ofPlatform().start(() -> {
                long i = 0;
                try {
                    while (!stop.get() && request.send(writer, i)) {
                        i++;
                        total.incrementAndGet();
                    }
                } catch (IOException e) {
                    // the server died
                }
                acked[writer] = i;
            });
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (total.get() < minRequests && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        kill();
        stop.set(true);
        for (Thread t : threads) {
            t.join(30_000);
        }
        return acked;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM; returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child Sightline did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    /** One source of ports for every child this JVM starts, so no two get the same one. */
    private static int freePort() throws IOException {
        return io.sightline.server.deploy.LocalProcesses.freePort();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
