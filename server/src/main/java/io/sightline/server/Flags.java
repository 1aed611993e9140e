package io.sightline.server;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line: {@code [--config FILE] [--data-dir DIR] [--listen-address ADDR] [--http-port PORT]
 * [--otlp-grpc-port PORT] [--otlp-http-port PORT] [-h|--help] [-V|--version]}, each value as the next argument or
 * after {@code =}. Flags override the config file's keys (see {@link #overrides()}).
 *
 * <p>Parsed by hand rather than with picocli: six flags do not need its ~170 classes, which stay loaded (metaspace)
 * for the life of the server.
 *
 * @param configFile the {@code --config} file, or null
 * @param overrides  config key to the value a flag gave it
 * @param isHelp     {@code -h}/{@code --help} was given
 * @param isVersion  {@code -V}/{@code --version} was given
 */
record Flags(Path configFile, Map<String, Flags.Value> overrides, boolean isHelp, boolean isVersion) {
    static final String DESCRIPTION = "Sightline: OpenTelemetry metrics in, PromQL out. Flags override the config file.";

    /** A config key's value from the flag {@code flag}. */
    record Value(String value, String flag) {
    }

    private record Option(String name, String label, String configKey, String description) {
    }

    private static final Option CONFIG = new Option("--config", "FILE", null, "YAML configuration file.");
    private static final List<Option> OPTIONS = List.of(
            CONFIG,
            new Option("--data-dir", "DIR", "data_dir", "Data directory (default ./data)."),
            new Option("--listen-address", "ADDR", "listen_address", "Address every port binds to (default 127.0.0.1)."),
            new Option("--http-port", "PORT", "http_port", "HTTP API port (default 9090)."),
            new Option("--otlp-grpc-port", "PORT", "otlp.grpc_port", "OTLP/gRPC port (default 4317)."),
            new Option("--otlp-http-port", "PORT", "otlp.http_port", "OTLP/HTTP port (default 4318)."));
    /** Every flag; null for those without a value. */
    private static final Map<String, Option> OPTION_NAMES = optionNames();

    /**
     * Parses {@code args}.
     *
     * @throws IllegalArgumentException for an unknown flag, a flag without its value or a stray argument; the
     *                                  message names it
     */
    static Flags parse(String... args) {
        Path config = null;
        Map<String, Value> overrides = new LinkedHashMap<>();
        boolean isHelp = false;
        boolean isVersion = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h", "--help" -> isHelp = true;
                case "-V", "--version" -> isVersion = true;
                case "-hV", "-Vh" -> {
                    isHelp = true;
                    isVersion = true;
                }
                default -> {
                    int eq = arg.indexOf('=');
                    String name = eq < 0 ? arg : arg.substring(0, eq);
                    Option o = option(name, i, arg);
                    String value;
                    if (eq >= 0) {
                        value = arg.substring(eq + 1);
                    } else if (i + 1 < args.length && !OPTION_NAMES.containsKey(args[i + 1])) {
                        value = args[++i];
                    } else {
                        throw new IllegalArgumentException("Missing required parameter for option '" + o.name() + "' (" + o.label() + ")");
                    }
                    if (o == CONFIG) {
                        config = Path.of(value);
                    } else {
                        overrides.put(o.configKey(), new Value(value, o.name()));
                    }
                }
            }
        }
        return new Flags(config, Map.copyOf(overrides), isHelp, isVersion);
    }

    private static Map<String, Option> optionNames() {
        Map<String, Option> m = new LinkedHashMap<>();
        OPTIONS.forEach(o -> m.put(o.name(), o));
        for (String s : List.of("-h", "--help", "-V", "--version", "-hV", "-Vh")) {
            m.put(s, null);
        }
        return m;
    }

    private static Option option(String name, int index, String arg) {
        Option o = OPTION_NAMES.get(name);
        if (o != null) {
            return o;
        }
        throw new IllegalArgumentException(name.startsWith("-") ? "Unknown option: '" + arg + "'"
                : "Unmatched argument at index " + index + ": '" + arg + "'");
    }

    /** The usage text {@code --help} prints. */
    static String usage() {
        String head = "Usage: sightline ";
        StringBuilder sb = new StringBuilder(head).append("[-hV]");
        int lineStart = 0;
        for (Option o : OPTIONS) {
            String flag = "[" + o.name() + "=" + o.label() + "]";
            if (sb.length() - lineStart + 1 + flag.length() > 80) {
                lineStart = sb.length() + 1;
                sb.append('\n').append(" ".repeat(head.length() - 1));
            }
            sb.append(' ').append(flag);
        }
        sb.append('\n').append(DESCRIPTION).append('\n');
        for (Option o : OPTIONS) {
            line(sb, "      " + o.name() + "=" + o.label(), o.description());
        }
        line(sb, "  -h, --help", "Show this help message and exit.");
        line(sb, "  -V, --version", "Print version information and exit.");
        return sb.toString();
    }

    private static void line(StringBuilder sb, String flag, String description) {
        sb.append(flag);
        if (flag.length() < 25) {
            sb.append(" ".repeat(25 - flag.length()));
        } else {
            sb.append('\n').append(" ".repeat(25));
        }
        sb.append(description).append('\n');
    }
}
