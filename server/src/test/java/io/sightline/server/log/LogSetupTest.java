package io.sightline.server.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sightline's Logback set-up on a private context, written to memory. */
class LogSetupTest {
    private final LoggerContext ctx = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private Logger configured(boolean json) {
        ctx.setMDCAdapter(MDC.getMDCAdapter()); // the process-wide adapter MDC.put writes to
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setOutputStream(out);
        LogSetup.configure(ctx, json, appender);
        return ctx.getLogger("io.sightline.query.api.Dispatcher");
    }

    @Test
    void jsonLineIsOneObjectWithRequestIdMessageAndError() throws Exception {
        Logger log = configured(true);
        MDC.put("request_id", "00ff00ff00ff00ff");
        try {
            log.error("HTTP handler failed [handler={}, path=\"/x\"]", "/api/v1/query",
                    new IllegalStateException("boom\nsecond line"));
        } finally {
            MDC.remove("request_id");
        }

        String line = out.toString(StandardCharsets.UTF_8);
        assertThat(line).endsWith("\n").hasLineCount(1);
        JsonNode j = new ObjectMapper().readTree(line);
        assertThat(j.path("timestamp").asLong()).isPositive();
        assertThat(j.path("level").asText()).isEqualTo("ERROR");
        assertThat(j.path("loggerName").asText()).isEqualTo("io.sightline.query.api.Dispatcher");
        assertThat(j.path("threadName").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(j.path("formattedMessage").asText()).isEqualTo("HTTP handler failed [handler=/api/v1/query, path=\"/x\"]");
        assertThat(j.path("mdc").path("request_id").asText()).isEqualTo("00ff00ff00ff00ff");
        assertThat(j.path("throwable").path("className").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(j.path("throwable").path("message").asText()).isEqualTo("boom\nsecond line");
    }

    @Test
    void jsonLineLeavesOutContextSequenceAndRawArguments() throws Exception {
        configured(true).info("started {}", "x");
        JsonNode j = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(j.has("context")).isFalse();
        assertThat(j.has("sequenceNumber")).isFalse();
        assertThat(j.has("arguments")).isFalse();
        assertThat(j.path("formattedMessage").asText()).isEqualTo("started x");
    }

    @Test
    void textLineKeepsTheSimpleLoggerLayoutAndAppendsMdc() {
        Logger log = configured(false);
        MDC.put("request_id", "abc");
        try {
            log.warn("hello");
        } finally {
            MDC.remove("request_id");
        }
        log.warn("bye");
        assertThat(out.toString(StandardCharsets.UTF_8)).matches(
                "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S* \\[\\S+\\] \\[WARN\\] Dispatcher - hello request_id=abc\n"
                        + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S* \\[\\S+\\] \\[WARN\\] Dispatcher - bye\n");
    }

    @Test
    void textLineIsFollowedByTheStackTraceOfItsException() {
        Logger log = configured(false);
        log.error("failed [x=1]", new IllegalStateException("boom", new java.io.IOException("disk")));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).matches("(?s)\\S+ \\[\\S+\\] \\[ERROR\\] Dispatcher - failed \\[x=1\\]\n"
                + "java\\.lang\\.IllegalStateException: boom\n\tat io\\.sightline\\.server\\.log\\.LogSetupTest\\..*"
                + "Caused by: java\\.io\\.IOException: disk\n.*\n");
    }

    @Test
    void levelsFromTheResourceApplyPerPrefix() {
        configured(false);
        assertThat(ctx.getLogger("io.netty.buffer.PoolArena").isInfoEnabled()).isFalse();
        assertThat(ctx.getLogger("io.netty.buffer.PoolArena").isWarnEnabled()).isTrue();
        assertThat(ctx.getLogger("io.sightline.server.Sightline").isInfoEnabled()).isTrue();
        assertThat(ctx.getLogger("io.sightline.server.Sightline").isDebugEnabled()).isFalse();
    }

    @Test
    void anUnknownLevelIsAnErrorNamingKeyAndValue() {
        Properties p = new Properties();
        p.setProperty("level.io.grpc", "loud");
        assertThatThrownBy(() -> LogSetup.applyLevels(ctx, p))
                .hasMessageContaining("level.io.grpc").hasMessageContaining("'loud'");
    }
}
