package io.sightline.server;

import io.sightline.server.config.ConfigException;
import io.sightline.server.config.ConfigSource;
import io.sightline.server.config.ServerConfig;
import io.sightline.server.log.LogSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar sightline.jar [--config FILE] [flags]}: starts Sightline and runs until SIGTERM/SIGINT. */
@Command(name = "sightline", mixinStandardHelpOptions = true, versionProvider = BuildInfo.VersionProvider.class,
        description = "Sightline: OpenTelemetry metrics in, PromQL out. Flags override the config file.")
public final class Main implements Callable<Integer> {
    static {
        // Must be set before any Chronicle class loads: otherwise Chronicle sends an analytics event over the
        // network and writes into the home directory (STACK.md).
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        // Netty 4.2's allocators declare JFR events; the first buffer allocated loads them, which starts the
        // JDK's event registry (~110 jdk.jfr classes, metaspace and heap) in a process that records nothing.
        // Set only when absent, so a profiling run can turn them back on with -D.
        defaultProperty("io.netty.jfr.enabled", "false");
    }

    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
    Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default ./data).")
    String dataDir;

    @Option(names = "--listen-address", paramLabel = "ADDR", description = "Address every port binds to (default 127.0.0.1).")
    String listenAddress;

    @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP API port (default 9090).")
    String httpPort;

    @Option(names = "--otlp-grpc-port", paramLabel = "PORT", description = "OTLP/gRPC port (default 4317).")
    String otlpGrpcPort;

    @Option(names = "--otlp-http-port", paramLabel = "PORT", description = "OTLP/HTTP port (default 4318).")
    String otlpHttpPort;

    public static void main(String[] args) {
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
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
        ConfigSource src = configFile == null ? ConfigSource.empty() : ConfigSource.fromYaml(configFile);
        if (dataDir != null) {
            src.override("data_dir", dataDir, "--data-dir");
        }
        if (listenAddress != null) {
            src.override("listen_address", listenAddress, "--listen-address");
        }
        if (httpPort != null) {
            src.override("http_port", httpPort, "--http-port");
        }
        if (otlpGrpcPort != null) {
            src.override("otlp.grpc_port", otlpGrpcPort, "--otlp-grpc-port");
        }
        if (otlpHttpPort != null) {
            src.override("otlp.http_port", otlpHttpPort, "--otlp-http-port");
        }
        return src;
    }
}
