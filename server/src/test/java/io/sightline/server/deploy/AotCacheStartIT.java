package io.sightline.server.deploy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.awaitility.Awaitility.await;

/**
 * {@code bin/sightline} with the JDK AOT cache next to the jar ({@code server/target/sightline.aot}, written by the
 * package phase or {@code bin/sightline-train-aot}): the cache the build trained is opened by the start script; a cache
 * is used when it is there and newer than the jar, and no cache, however wrong, stops the server from starting. The
 * tests but the first run the scripts from a copy of {@code bin/} in a temporary tree whose
 * {@code server/target/sightline.jar} links to the packaged jar, so the repository's own cache is never touched.
 */
class AotCacheStartIT {
    @TempDir
    Path tmp;
    private final DeployFiles deploy = DeployFiles.locate();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path script;
    private Path jar;
    private Path cache;

    @BeforeEach
    void copyScriptsNextToALinkToThePackagedJar() throws IOException {
        Path jarBuilt = Path.of("target", "sightline.jar").toAbsolutePath();
        assertThat(jarBuilt).as("built by the package phase").isRegularFile();
        Path bin = Files.createDirectories(tmp.resolve("tree/bin"));
        for (String name : List.of("sightline", "jdk.sh")) {
            Files.copy(deploy.path("bin/" + name), bin.resolve(name));
        }
        script = bin.resolve("sightline");
        script.toFile().setExecutable(true);
        jar = Files.createSymbolicLink(Files.createDirectories(tmp.resolve("tree/server/target")).resolve("sightline.jar"),
                jarBuilt);
        cache = jar.resolveSibling("sightline.aot");
    }

    @Test
    void theCacheThePackagePhaseTrainedIsOpenedByTheStartScriptAndHoldsTheServersClassesButNotOtlpJsons() throws Exception {
        assumeFalse(Boolean.getBoolean("sightline.aot.skip"), "the build skipped the AOT training (-Dsightline.aot.skip,"
                + " or a run naming its tests); run the whole module's verify to check the cache it trains");
        Path builtCache = Path.of("target", "sightline.aot").toAbsolutePath();
        assertThat(builtCache).as("written by the package phase after the jar (see the build log for its warning)")
                .isNotEmptyFile();
        assertThat(Files.getLastModifiedTime(builtCache)).isGreaterThan(Files.getLastModifiedTime(Path.of("target", "sightline.jar")));
        script = deploy.path("bin/sightline"); // the repository's own script, jar and cache, as a user starts them

        Started s = start("built", Map.of("SIGHTLINE_JAVA_OPTS", "-Xlog:aot=info,class+load=info"));
        try {
            assertThat(s.arguments()).contains("-XX:AOTCache=" + builtCache);
            String log = s.log();
            assertThat(log).contains("Opened AOT cache").doesNotContain("Unable to map shared spaces", "[error]");
            // The training reached the server's own code: its main classes come from the cache, not the jar.
            assertThat(log).containsPattern("io\\.sightline\\.server\\.Main source: shared objects file")
                    .containsPattern("io\\.sightline\\.ingest\\.\\S+ source: shared objects file")
                    .containsPattern("io\\.sightline\\.storage\\.\\S+ source: shared objects file")
                    // ...and not what a rare request needs: every cached class is loaded at start, used or not.
                    .doesNotContainPattern("com\\.google\\.gson\\.\\S+ source: shared objects file")
                    .doesNotContainPattern("com\\.google\\.protobuf\\.util\\.JsonFormat\\$ParserImpl\\S* source: shared objects file");
        } finally {
            s.stop();
        }
    }

    @Test
    void aCacheTheJvmCannotReadIsPassedToItAndTheServerStartsWithoutIt() throws Exception {
        byte[] garbage = new byte[64 * 1024];
        new Random(7).nextBytes(garbage);
        Files.write(cache, garbage);

        Started s = start("run", Map.of());
        try {
            assertThat(s.arguments()).contains("-XX:AOTCache=" + cache);
            assertThat(s.log()).contains("AOT cache");
        } finally {
            s.stop();
        }
    }

    @Test
    void aCacheOlderThanTheJarIsLeftOutWithAMessageSayingHowToRebuildIt() throws Exception {
        Files.write(cache, new byte[] {1});
        Files.setLastModifiedTime(cache, FileTime.from(Instant.now().minus(Duration.ofDays(400))));

        Started s = start("run", Map.of());
        try {
            assertThat(s.arguments()).noneMatch(a -> a.startsWith("-XX:AOTCache"));
            assertThat(s.log()).contains("is older than the jar, starting without it", "bin/sightline-train-aot");
        } finally {
            s.stop();
        }
    }

    @Test
    void aCacheWrittenByAStartOfTheScriptIsOpenedByTheNextStart() throws Exception {
        // Training as bin/sightline-train-aot does it (without its load): the cache is written at exit.
        Started training = start("training", Map.of("SIGHTLINE_JAVA_OPTS", "-XX:AOTCacheOutput=" + cache));
        assertThat(training.arguments()).contains("-XX:AOTCacheOutput=" + cache).noneMatch(a -> a.startsWith("-XX:AOTCache="));
        training.stopAndWaitForTheCache();
        assertThat(cache).as("training log:\n%s", training.log()).isNotEmptyFile();

        Started s = start("run", Map.of("SIGHTLINE_JAVA_OPTS", "-Xlog:aot=info"));
        try {
            assertThat(s.arguments()).contains("-XX:AOTCache=" + cache);
            assertThat(s.log()).contains("Opened AOT cache").doesNotContain("Unable to map shared spaces");
        } finally {
            s.stop();
        }
    }

    private Started start(String name, Map<String, String> env) throws Exception {
        int httpPort = LocalProcesses.freePort();
        Path log = tmp.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(script.toString(),
                "--data-dir", tmp.resolve(name + "-data").toString(), "--listen-address", "127.0.0.1",
                "--http-port", Integer.toString(httpPort), "--otlp-grpc-port", Integer.toString(LocalProcesses.freePort()),
                "--otlp-http-port", Integer.toString(LocalProcesses.freePort()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove("SIGHTLINE_JAVA_OPTS");
        pb.environment().putAll(env);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Started s = new Started(pb.start(), log);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .untilAsserted(() -> {
                    assertThat(s.process.isAlive()).as("process alive; log:\n%s", s.log()).isTrue();
                    assertThat(LocalProcesses.get(http, httpPort, "/-/ready").statusCode()).isEqualTo(200);
                });
        return s;
    }

    private record Started(Process process, Path logFile) {
        /** The script execs java, so the process started is the JVM and its arguments are the flags it got. */
        List<String> arguments() {
            return List.of(process.info().arguments().orElseThrow());
        }

        String log() throws IOException {
            return Files.readString(logFile);
        }

        void stop() throws InterruptedException {
            LocalProcesses.stop(process);
        }

        /** SIGTERM; the JVM then records the training data and a child JVM assembles the cache before it exits. */
        void stopAndWaitForTheCache() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("training JVM exited").isTrue();
        }
    }
}
