package io.sightline.ingest.otlp;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.sightline.storage.LogAppender;
import io.sightline.storage.LogStore;

import java.time.InstantSource;
import java.util.function.LongConsumer;
import java.util.function.ObjLongConsumer;

/** Translates one logs request and commits it as one batch. Thread-safe. */
public final class LogsWriter {
    private final LogStore store;
    private final LogsTranslator translator;
    private final InstantSource clock;
    private final LongConsumer accepted;
    private final ObjLongConsumer<String> rejected;

    /**
     * @param accepted receives the number of records stored per request (self-metrics)
     * @param rejected receives, per request, the number of records rejected for each reason
     */
    public LogsWriter(LogStore store, LogsTranslator translator, InstantSource clock, LongConsumer accepted, ObjLongConsumer<String> rejected) {
        this.store = store;
        this.translator = translator;
        this.clock = clock;
        this.accepted = accepted;
        this.rejected = rejected;
    }

    /**
     * Translates and commits {@code request}.
     *
     * @throws io.sightline.storage.StorageException when the commit failed; nothing of the request is stored
     */
    public LogsTranslator.Result write(ExportLogsServiceRequest request) {
        LogAppender appender = store.appender();
        long now = clock.instant().getEpochSecond() * 1_000_000_000L + clock.instant().getNano();
        LogsTranslator.Result result = translator.translate(request, appender, now);
        try {
            appender.commit();
        } catch (RuntimeException e) {
            appender.rollback();
            throw e;
        }
        accepted.accept(result.accepted());
        result.rejectedByReason().forEach(rejected::accept);
        return result;
    }
}
