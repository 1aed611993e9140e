package io.sightline.server.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

import java.util.concurrent.ConcurrentHashMap;

/** One {@link LineLogger} per name. Thread-safe. */
final class LoggerRegistry implements ILoggerFactory {
    private final LogLevels levels;
    private final ConcurrentHashMap<String, Logger> loggers = new ConcurrentHashMap<>();

    LoggerRegistry(LogLevels levels) {
        this.levels = levels;
    }

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new LineLogger(n, levels.levelOf(n)));
    }
}
