package io.sightline.server.aot;

import io.sightline.server.aot.AotTraining.TrainingException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Sightline process being trained: started with {@code -XX:AOTCacheOutput} on free 127.0.0.1 ports and a data
 * directory under the training's temporary directory, its output in a log file there. The JVM writes the cache when its
 * recording ends (jcmd AOT.end_recording, or its exit): a child JVM assembles the cache (20-60 s of CPU).
 */
final class TrainingServer {
    private static final long POLL_MILLIS = 250;

    private final Process process;
    private final Path log;
    private final TrainingLoad.Ports ports;

    private TrainingServer(Process process, Path log, TrainingLoad.Ports ports) {
        this.process = process;
        this.log = log;
        this.ports = ports;
    }

    static TrainingServer start(AotTraining.Options o, Path cache, Path work) throws IOException {
        TrainingLoad.Ports ports = new TrainingLoad.Ports(freePort(), freePort(), freePort());
        // -Xlog:aot=error: the JVM warns about every class it cannot archive (old class files of some libraries,
        // classes generated at run time); expected, and noise in a build log.
        String aotOptions = "-XX:AOTCacheOutput=" + cache + " -Xlog:aot=error";
        List<String> command = new ArrayList<>();
        ProcessBuilder pb = new ProcessBuilder(command);
        if (o.script != null) {
            // bin/sightline adds its heap/GC flags and leaves its own -XX:AOTCache out when it sees -XX:AOTCacheOutput.
            command.add(o.script.toString());
            pb.environment().put("SIGHTLINE_JAVA_OPTS", (aotOptions + " " + o.javaOptions).strip());
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String opt : o.javaOptions.strip().split("\\s+")) {
                if (!opt.isEmpty()) {
                    command.add(opt);
                }
            }
            command.addAll(List.of(aotOptions.split(" ")));
            command.addAll(List.of("-jar", o.jar.toString()));
        }
        command.addAll(o.serverArgs);
        // After the caller's arguments (a --config, say): flags override the file.
        command.addAll(List.of("--data-dir", work.resolve("data").toString(), "--listen-address", "127.0.0.1",
                "--http-port", Integer.toString(ports.api()), "--otlp-grpc-port", Integer.toString(ports.otlpGrpc()),
                "--otlp-http-port", Integer.toString(ports.otlpHttp())));
        Path log = work.resolve("server.log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return new TrainingServer(pb.start(), log, ports);
    }

    TrainingLoad.Ports ports() {
        return ports;
    }

    void awaitReady(long deadlineNanos) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.api() + "/-/ready"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        while (System.nanoTime() < deadlineNanos) {
            if (!process.isAlive()) {
                throw new TrainingException("the training server exited with status " + process.exitValue()
                        + " before it was ready; its log ends:\n" + logTail());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(POLL_MILLIS);
        }
        throw new TrainingException("the training server was not ready within the time limit; its log ends:\n" + logTail());
    }

    /**
     * Ends the JVM's recording ({@code jcmd AOT.end_recording}), then SIGTERM, then waits for the JVM (and the child that
     * assembles the cache) to exit before the deadline. Ending the recording first keeps the shutdown path (closing
     * the listeners, the stores, the meter provider: ~50 classes) out of the cache, which every server loads at start
     * and uses only when it stops. When jcmd fails the JVM records up to its exit, as without this step.
     */
    void stopAndAwaitCache(long deadlineNanos) throws InterruptedException {
        endRecording(deadlineNanos);
        process.destroy();
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
            throw new TrainingException("the training JVM did not finish writing the cache within the time limit"
                    + " (-Dsightline.aot.timeoutSeconds raises it)");
        }
    }

    private void endRecording(long deadlineNanos) throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "AOT.end_recording")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                System.err.println("sightline-aot: jcmd AOT.end_recording failed (the cache then also holds the"
                        + " shutdown's classes): " + out);
            }
        } catch (IOException e) {
            System.err.println("sightline-aot: no jcmd at " + jcmd + " (the cache then also holds the shutdown's classes)");
        }
    }

    /** Kills what is left of the server and the cache-assembling child JVM; a no-op once they have exited. */
    void kill() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
