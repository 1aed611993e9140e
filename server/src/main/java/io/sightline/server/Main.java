package io.sightline.server;

import io.sightline.server.config.ConfigException;
import io.sightline.server.config.ConfigSource;
import io.sightline.server.config.ServerConfig;
import io.sightline.server.log.LogSetup;

import java.util.concurrent.CountDownLatch;

/** {@code java -jar sightline.jar [--config FILE] [flags]}: starts Sightline and runs until SIGTERM/SIGINT. */
public final class Main {
    static {
        // Must be set before any Chronicle class loads: otherwise Chronicle sends an analytics event over the
        // network and writes into the home directory (STACK.md).
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        // Netty 4.2's allocators declare JFR events; the first buffer allocated loads them, which starts the
        // JDK's event registry (~110 jdk.jfr classes, metaspace and heap) in a process that records nothing.
        // Set only when absent, so a profiling run can turn them back on with -D.
        defaultProperty("io.netty.jfr.enabled", "false");
        // Chronicle calls posix_fallocate (new tiers of the series index) and msync through jnr-ffi. Its default
        // loader writes a class and an x86 stub per function with ASM and its own assembler (~150 classes kept for
        // the server's life); the reflection loader calls the same functions without them. Those calls are rare
        // (a new tier, a sync), so their few microseconds more do not show.
        defaultProperty("jnr.ffi.asm.enabled", "false");
        // Netty 4.2's default (adaptive) allocator sizes itself for a large server: a magazine stripe per two cores,
        // thread-local magazines on the event loops and chunks of up to 8 MiB, ~4 MiB of direct memory held after a
        // 100k-series remote-write send. Its low-memory mode (one stripe, 2 MiB chunks, no thread-local magazines)
        // holds ~2 MiB for the same ingest CPU (RESULTS.md "Session 8 (issue 4): native memory").
        defaultProperty("io.netty.allocator.lowMemory", "true");
        // grpc-java otherwise builds a second pooled allocator of its own (arenas per core, 2 MiB chunks and
        // thread caches) beside Netty's default one, which the HTTP servers already fill: OTLP/gRPC shares it.
        defaultProperty("io.grpc.netty.useCustomAllocator", "false");
    }

    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private final Flags flags;

    private Main(Flags flags) {
        this.flags = flags;
    }

    public static void main(String[] args) throws InterruptedException {
        Flags flags;
        try {
            flags = Flags.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(Flags.usage());
            System.exit(2);
            return;
        }
        if (flags.isHelp() || flags.isVersion()) {
            System.out.print(flags.isHelp() ? Flags.usage() : "sightline " + BuildInfo.version() + " (java " + Runtime.version() + ")\n");
            return;
        }
        int code = new Main(flags).call();
        if (code != 0) {
            System.exit(code);
        }
    }

    private int call() throws InterruptedException {
        ServerConfig config;
        try {
            config = ServerConfig.from(source());
        } catch (ConfigException e) {
            System.err.println("sightline: " + e.getMessage());
            return 2;
        }
        LogSetup.useJson(config.telemetry().jsonLogs());
        Sightline sightline;
        try {
            sightline = Sightline.start(config);
        } catch (RuntimeException | LinkageError e) {
            System.err.println("sightline: failed to start: " + e);
            e.printStackTrace(System.err);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sightline.close();
            stopped.countDown();
        }, "sightline-shutdown"));
        stopped.await();
        return 0;
    }

    private ConfigSource source() {
        ConfigSource src = flags.configFile() == null ? ConfigSource.empty() : ConfigSource.fromYaml(flags.configFile());
        flags.overrides().forEach((key, v) -> src.override(key, v.value(), v.flag()));
        return src;
    }
}
