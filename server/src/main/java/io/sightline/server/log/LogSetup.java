package io.sightline.server.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Configures Logback in code (no logback.xml): one appender on standard error writing text lines
 * ({@code 2026-01-02T03:04:05.678+00:00 [thread] [INFO] Logger - message request_id=...}) or, with
 * {@code log.format: json}, one JSON object per line from Logback's {@link JsonEncoder} (MDC such as
 * {@code request_id} under {@code mdc}). Thresholds come from {@code sightline-logging.properties}: {@code level}
 * for everything, {@code level.<prefix>} for a package or class; {@code -Dsightline.log.level} overrides
 * {@code level}.
 */
public final class LogSetup {
    static final String LEVELS_RESOURCE = "sightline-logging.properties";

    private LogSetup() {
    }

    /** Switches the process's logging to JSON lines ({@code true}) or text; called once from {@code Main}. */
    public static void useJson(boolean json) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            configure(ctx, json, stderr());
        }
    }

    static ConsoleAppender<ILoggingEvent> stderr() {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget("System.err");
        return console;
    }

    /** Replaces every appender and level of {@code ctx} with Sightline's: {@code appender} gets the encoder. */
    static void configure(LoggerContext ctx, boolean json, OutputStreamAppender<ILoggingEvent> appender) {
        ctx.reset();
        appender.setContext(ctx);
        appender.setName(json ? "json" : "text");
        appender.setEncoder(json ? jsonEncoder(ctx) : textEncoder(ctx));
        appender.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        applyLevels(ctx, levels());
    }

    static void applyLevels(LoggerContext ctx, Properties levels) {
        String rootLevel = System.getProperty("sightline.log.level", levels.getProperty("level", "info"));
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(level("level", rootLevel));
        for (String key : levels.stringPropertyNames()) {
            if (key.startsWith("level.")) {
                ctx.getLogger(key.substring("level.".length())).setLevel(level(key, levels.getProperty(key)));
            }
        }
    }

    private static Level level(String key, String value) {
        Level l = Level.toLevel(value.strip().equalsIgnoreCase("warning") ? "WARN" : value.strip(), null);
        if (l == null) {
            throw new IllegalArgumentException(LEVELS_RESOURCE + ": " + key + " must be one of trace, debug, info, "
                    + "warn, error, off, got '" + value + "'");
        }
        return l;
    }

    private static Properties levels() {
        Properties p = new Properties();
        try (InputStream in = LogSetup.class.getClassLoader().getResourceAsStream(LEVELS_RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + LEVELS_RESOURCE, e);
        }
        return p;
    }

    private static Encoder<ILoggingEvent> textEncoder(LoggerContext ctx) {
        TextLayout layout = new TextLayout();
        layout.setContext(ctx);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> e = new LayoutWrappingEncoder<>();
        e.setContext(ctx);
        e.setLayout(layout);
        e.start();
        return e;
    }

    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext ctx) {
        JsonEncoder e = new JsonEncoder();
        e.setContext(ctx);
        // Keep lines short and flat-ish: the context block, sequence numbers, nanos, raw pattern and arguments
        // repeat on every line and add nothing a log shipper needs.
        e.setWithContext(false);
        e.setWithSequenceNumber(false);
        e.setWithNanoseconds(false);
        e.setWithMessage(false);
        e.setWithArguments(false);
        e.setWithFormattedMessage(true);
        e.start();
        return e;
    }
}
