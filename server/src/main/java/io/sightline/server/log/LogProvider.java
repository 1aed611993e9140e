package io.sightline.server.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Sightline's SLF4J backend: one line per event on standard error, as text or, with {@code log.format: json}, as
 * one JSON object (time, level, logger, thread, message, MDC entries such as {@code request_id}, error and stack).
 * Written here because slf4j-simple has no JSON output and no MDC, and a full backend (Logback, Log4j) is far more
 * than these two formats need. Levels come from {@code sightline-logging.properties} on the class path.
 */
public final class LogProvider implements SLF4JServiceProvider {
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();
    private LoggerRegistry loggers;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        loggers = new LoggerRegistry(LogLevels.load());
    }
}
