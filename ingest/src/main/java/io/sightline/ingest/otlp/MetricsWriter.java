package io.sightline.ingest.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.sightline.storage.Appendable;
import io.sightline.storage.Appender;
import io.sightline.storage.StorageException;
import io.sightline.storage.model.Labels;
import io.sightline.storage.model.MetricMetadata;

import java.time.InstantSource;

/**
 * Writes one decoded request through one storage {@link Appender}: translate, then commit, so that the
 * request is durable in the WAL before the caller acknowledges it. Thread-safe; each call takes its own
 * appender.
 */
public final class MetricsWriter {
    private final Appendable storage;
    private final MetricsTranslator translator;
    private final InstantSource clock;

    public MetricsWriter(Appendable storage, MetricsTranslator translator, InstantSource clock) {
        this.storage = storage;
        this.translator = translator;
        this.clock = clock;
    }

    /**
     * Translates and commits {@code request}.
     *
     * @throws StorageException when the commit failed; then nothing of the request is stored
     */
    public TranslationResult write(ExportMetricsServiceRequest request) {
        Appender appender = storage.appender();
        boolean committed = false;
        try {
            TranslationResult result = translator.translate(request, new AppenderSink(appender), clock.millis());
            appender.commit();
            committed = true;
            return result;
        } finally {
            if (!committed) {
                appender.rollback();
            }
        }
    }

    public MetricsTranslator translator() {
        return translator;
    }

    /** The production sink: straight into the appender. */
    private record AppenderSink(Appender appender) implements SampleSink {
        @Override
        public long append(long ref, Labels labels, long timestampMillis, double value) {
            return appender.append(ref, labels, timestampMillis, value);
        }

        @Override
        public void metadata(String family, MetricMetadata metadata) {
            appender.updateMetadata(family, metadata);
        }
    }
}
