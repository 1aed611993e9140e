package io.sightline.ingest;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.sightline.ingest.otlp.LogsTranslator;
import io.sightline.ingest.otlp.LogsWriter;
import io.sightline.storage.LogStore;

import java.time.InstantSource;

/** Builds the logs write path and its self-metrics, kept apart so {@link IngestService} stays small. */
final class LogsWiring {
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");

    private LogsWiring() {
    }

    static LogsWriter writer(LogStore logs, LogsIngestConfig logsConfig, IngestConfig config, Meter meter, InstantSource clock) {
        LongCounter accepted = meter.counterBuilder("sightline_ingest_log_records_accepted_total")
                .setDescription("OTLP log records stored").build();
        LongCounter rejected = meter.counterBuilder("sightline_ingest_log_records_rejected_total")
                .setDescription("OTLP log records rejected, by reason (line_too_long, label_value_too_long, invalid_trace_id, invalid_span_id); see partial_success").build();
        LogsTranslator translator = new LogsTranslator(logsConfig.streamLabels(), logsConfig.maxLineBytes(),
                config.maxLabelValueLength());
        return new LogsWriter(logs, translator, clock, n -> {
            if (n > 0) {
                accepted.add(n);
            }
        }, (reason, n) -> rejected.add(n, Attributes.of(REASON, reason)));
    }
}
