package io.sightline.server.aot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds Sightline's JDK AOT cache (JEP 483/514/515): starts a training server with {@code -XX:AOTCacheOutput},
 * sends it a short generic workload ({@link TrainingLoad}), ends the JVM's recording and stops it with SIGTERM, and moves the cache
 * the JVM then writes to {@code --output}. The build runs it after the jar is packaged ({@code server/pom.xml}), the container
 * image at image build time (deploy/docker/Dockerfile), {@code bin/sightline-train-aot} on request.
 *
 * <p>Not part of the server: it runs in its own JVM ({@code java -cp sightline.jar io.sightline.server.aot.AotTraining}),
 * so none of its classes (the HTTP client, the payload builders) end up in the cache the server loads at every start.
 * The training server gets exactly the flags production has, so the JVM accepts the cache later: {@code --script}
 * starts it through {@code bin/sightline} (its flags, with the cache flag in {@code SIGHTLINE_JAVA_OPTS}); {@code --jar}
 * starts {@code java <--java-options> -jar <jar>} as the image's entry point does.
 *
 * <p>Robust by construction: ports are free loopback ports picked here, data goes to a temporary directory deleted at
 * the end, the whole run has a hard deadline after which the server and its children are killed, and a half-written
 * cache never reaches {@code --output}. With {@code --warn-on-failure} a failed training prints a warning and exits 0
 * (the build then ships without the cache; bin/sightline starts fine without it).
 */
public final class AotTraining {
    private static final String USAGE = "usage: AotTraining --output FILE (--script bin/sightline | --jar JAR [--java-options \"...\"])"
            + " [--timeout-seconds N] [--series N] [--rounds N] [--keep-if-newer-than FILE]... [--warn-on-failure]"
            + " [-- server arguments...]";

    private AotTraining() {
    }

    /**
     * Runs one training.
     *
     * @param args see {@link #USAGE}
     */
    public static void main(String[] args) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("sightline-aot: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        try {
            if (isUpToDate(o)) {
                System.err.printf("sightline-aot: %s is newer than %s: kept (delete it to train again)%n", o.output, o.keepIfNewerThan);
                return;
            }
            Path written = train(o);
            System.err.printf("sightline-aot: AOT cache written: %s (%d MB); bin/sightline uses it while the jar is unchanged%n",
                    written, Files.size(written) / 1_000_000);
        } catch (Exception e) {
            String why = e instanceof TrainingException ? e.getMessage() : e.toString();
            if (o.warnOnFailure) {
                System.err.println("[WARNING] sightline-aot: no AOT cache built (" + why + "); Sightline works without it,"
                        + " it only starts and warms up slower. Retry: bin/sightline-train-aot");
                System.exit(0);
            }
            System.err.println("sightline-aot: training failed: " + why);
            System.exit(1);
        }
    }

    /**
     * Whether the cache is newer than every file it depends on (the jar, the start script): a build that re-packaged
     * nothing need not train again. A JDK changed since is not seen here; the JVM refuses that cache with a warning.
     */
    static boolean isUpToDate(Options o) throws IOException {
        if (o.keepIfNewerThan.isEmpty() || !Files.isRegularFile(o.output)) {
            return false;
        }
        for (Path input : o.keepIfNewerThan) {
            if (!Files.exists(input)
                    || Files.getLastModifiedTime(input).compareTo(Files.getLastModifiedTime(o.output)) >= 0) {
                return false;
            }
        }
        return true;
    }

    static Path train(Options o) throws IOException, InterruptedException {
        long deadlineNanos = System.nanoTime() + o.timeoutSeconds * 1_000_000_000L;
        Path output = o.output.toAbsolutePath();
        Files.createDirectories(output.getParent());
        // A cache from an earlier jar is useless and bin/sightline would only warn about it: gone before we start.
        Files.deleteIfExists(output);
        // The JVM writes the cache next to where it ends up (no 65 MB copy across file systems); renamed when complete.
        Path partial = output.resolveSibling(output.getFileName() + ".partial");
        Path work = Files.createTempDirectory("sightline-aot-");
        try {
            Files.deleteIfExists(partial);
            TrainingServer server = TrainingServer.start(o, partial, work);
            // A stopped build (SIGTERM, Ctrl-C) ends this JVM without the finally blocks: the training server must not
            // outlive it, nor its files.
            Thread killOnExit = new Thread(() -> {
                server.kill();
                deleteLeftovers(partial, work);
            }, "aot-training-cleanup");
            Runtime.getRuntime().addShutdownHook(killOnExit);
            try {
                server.awaitReady(deadlineNanos);
                System.err.printf("sightline-aot: training the JDK AOT cache: remote write (%d series x %d rounds), OTLP metrics,"
                        + " logs and traces, PromQL, LogQL and TraceQL queries (%s)%n", o.series, o.rounds,
                        "skip with -Dsightline.aot.skip=true");
                new TrainingLoad(server.ports(), deadlineNanos).run(o.series, o.rounds);
                server.stopAndAwaitCache(deadlineNanos);
            } finally {
                server.kill();
                try {
                    Runtime.getRuntime().removeShutdownHook(killOnExit);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or has run: nothing left to undo
                }
            }
            if (!Files.isRegularFile(partial) || Files.size(partial) == 0) {
                throw new TrainingException("the JVM wrote no cache; the training server's log ends:\n" + server.logTail());
            }
            Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return output;
        } finally {
            deleteLeftovers(partial, work);
        }
    }

    /** The half-written cache, the JVM's temporary AOT configuration next to it, and the temporary directory. */
    private static void deleteLeftovers(Path partial, Path work) {
        try {
            Files.deleteIfExists(partial);
            Files.deleteIfExists(partial.resolveSibling(partial.getFileName() + ".config"));
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("sightline-aot: could not delete all of " + work + " and " + partial + ": " + e);
        }
    }

    /** The command line. */
    static final class Options {
        Path output;
        Path script;
        Path jar;
        String javaOptions = "";
        long timeoutSeconds = 300;
        int series = 10_000;
        int rounds = 120;
        boolean warnOnFailure;
        final List<Path> keepIfNewerThan = new ArrayList<>();
        final List<String> serverArgs = new ArrayList<>();

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--")) {
                    o.serverArgs.addAll(List.of(args).subList(i + 1, args.length));
                    break;
                }
                if (a.equals("--warn-on-failure")) {
                    o.warnOnFailure = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--output" -> o.output = Path.of(v);
                    case "--script" -> o.script = Path.of(v);
                    case "--jar" -> o.jar = Path.of(v);
                    case "--java-options" -> o.javaOptions = v;
                    case "--keep-if-newer-than" -> o.keepIfNewerThan.add(Path.of(v));
                    case "--timeout-seconds" -> o.timeoutSeconds = positive(a, v, 100_000);
                    case "--series" -> o.series = (int) positive(a, v, 10_000_000);
                    case "--rounds" -> o.rounds = (int) positive(a, v, 100_000);
                    default -> throw new IllegalArgumentException("unknown flag " + a);
                }
            }
            if (o.output == null) {
                throw new IllegalArgumentException("--output is required");
            }
            if ((o.script == null) == (o.jar == null)) {
                throw new IllegalArgumentException("give exactly one of --script and --jar");
            }
            return o;
        }

        private static long positive(String flag, String value, long max) {
            long n;
            try {
                n = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " " + value + " is not a number");
            }
            if (n < 1 || n > max) {
                throw new IllegalArgumentException(flag + " " + value + " is outside 1.." + max);
            }
            return n;
        }
    }

    /** A training that cannot give a cache; the message says why. */
    static final class TrainingException extends RuntimeException {
        TrainingException(String message) {
            super(message);
        }
    }
}
