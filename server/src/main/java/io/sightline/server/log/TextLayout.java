package io.sightline.server.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Sightline's text line, {@code 2026-01-02T03:04:05.678+01:00 [thread] [INFO] Logger - message request_id=...}, then
 * the stack trace of an exception: what the pattern
 * {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} [%thread] [%level] %logger{0} - %msg%replace( %X){'^ $', ''}%n} gives,
 * written directly. Logback's {@code PatternLayout} would load ~150 classes (its pattern parser, converters and
 * a lambda per converter name) that stay in metaspace for the life of the server. Logging is not a hot path.
 */
final class TextLayout extends LayoutBase<ILoggingEvent> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneId.systemDefault());

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder sb = new StringBuilder(160);
        TIME.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), sb);
        sb.append(" [").append(event.getThreadName()).append("] [").append(event.getLevel()).append("] ");
        String logger = event.getLoggerName();
        sb.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(" - ").append(event.getFormattedMessage());
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null && !mdc.isEmpty()) {
            String separator = " ";
            for (Map.Entry<String, String> e : mdc.entrySet()) {
                sb.append(separator).append(e.getKey()).append('=').append(e.getValue());
                separator = ", ";
            }
        }
        sb.append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            sb.append(ThrowableProxyUtil.asString(thrown));
        }
        return sb.toString();
    }
}
