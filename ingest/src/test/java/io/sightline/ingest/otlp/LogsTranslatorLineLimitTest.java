package io.sightline.ingest.otlp;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.sightline.storage.LogAppender;
import io.sightline.storage.LogStore;
import io.sightline.storage.LogStoreConfig;
import io.sightline.storage.WalSyncMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** logs.max_line_bytes counts UTF-8 bytes, also for lines whose characters alone look short enough. */
class LogsTranslatorLineLimitTest {
    @TempDir
    Path dir;

    @Test
    void aLineOfMultiByteCharactersIsMeasuredInBytesAtTheLimit() {
        LogsTranslator translator = new LogsTranslator(List.of("service.name"), 1024, 1024);
        ScopeLogs.Builder scope = ScopeLogs.newBuilder();
        for (String body : new String[] {"東".repeat(341), "東".repeat(342), "a".repeat(1024), "a".repeat(1025), "😀".repeat(256),
            "😀".repeat(257)}) {
            scope.addLogRecords(LogRecord.newBuilder().setTimeUnixNano(1).setBody(AnyValue.newBuilder().setStringValue(body)));
        }
        ExportLogsServiceRequest request = ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope)).build();
        try (LogStore store = LogStore.open(new LogStoreConfig(dir, 3_600_000, 1 << 20, 86_400_000L, WalSyncMode.NEVER, 1000),
                OpenTelemetry.noop().getMeter("t"))) {
            LogAppender appender = store.appender();
            LogsTranslator.Result r = translator.translate(request, appender, 1);
            // 1023, 1024 and 1024 bytes go in; 1026, 1025 and 1028 bytes are over.
            assertThat(r.accepted()).isEqualTo(3);
            assertThat(r.rejected()).isEqualTo(3);
            assertThat(r.message()).contains("1026 bytes", "logs.max_line_bytes=1024");
            appender.rollback();
        }
    }
}
