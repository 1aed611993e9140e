package io.sightline.server.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's first configuration (found through {@code META-INF/services}): text lines on standard error, so log
 * lines written before {@code Main} reads {@code log.format} already have Sightline's layout and levels.
 */
public final class DefaultLogConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        LogSetup.configure(ctx, false, LogSetup.stderr());
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
