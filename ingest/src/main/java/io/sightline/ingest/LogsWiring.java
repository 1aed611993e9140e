package io.sightline.ingest;

import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.sightline.ingest.otlp.LogsTranslator;
import io.sightline.ingest.otlp.LogsWriter;
import io.sightline.storage.LogStore;

import java.time.InstantSource;

/** Builds the logs write path and its self-metrics, kept apart so {@link IngestService} stays small. */
final class LogsWiring {
    private LogsWiring() {
    }

    static LogsWriter writer(LogStore logs, LogsIngestConfig logsConfig, IngestConfig config, Meter meter, InstantSource clock) {
        LongCounter accepted = meter.counterBuilder("sightline_ingest_log_records_accepted_total")
                .setDescription("OTLP log records stored").build();
        LongCounter rejected = meter.counterBuilder("sightline_ingest_log_records_rejected_total")
                .setDescription("OTLP log records rejected (too long, bad ids); see partial_success").build();
        LogsTranslator translator = new LogsTranslator(logsConfig.streamLabels(), logsConfig.maxLineBytes(),
                config.maxLabelValueLength());
        return new LogsWriter(logs, translator, clock, n -> {
            if (n > 0) {
                accepted.add(n);
            }
        }, n -> {
            if (n > 0) {
                rejected.add(n);
            }
        });
    }
}
