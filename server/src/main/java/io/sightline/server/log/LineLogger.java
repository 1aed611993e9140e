package io.sightline.server.log;

import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.io.PrintStream;
import java.util.Map;

/** A logger that writes each enabled event as one line through {@link LogFormat}. Thread-safe. */
final class LineLogger extends LegacyAbstractLogger {
    private static final Object OUTPUT_LOCK = new Object();

    private final int threshold;

    LineLogger(String name, Level threshold) {
        this.name = name;
        this.threshold = threshold.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
        return threshold <= Level.TRACE.toInt();
    }

    @Override
    public boolean isDebugEnabled() {
        return threshold <= Level.DEBUG.toInt();
    }

    @Override
    public boolean isInfoEnabled() {
        return threshold <= Level.INFO.toInt();
    }

    @Override
    public boolean isWarnEnabled() {
        return threshold <= Level.WARN.toInt();
    }

    @Override
    public boolean isErrorEnabled() {
        return threshold <= Level.ERROR.toInt();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
        String message = MessageFormatter.basicArrayFormat(pattern, args);
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        String line = LogFormat.line(System.currentTimeMillis(), level, name, Thread.currentThread().getName(), message,
                mdc == null ? Map.of() : mdc, t);
        PrintStream err = System.err;
        synchronized (OUTPUT_LOCK) {
            err.print(line);
            err.flush();
        }
    }
}
