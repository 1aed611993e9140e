package io.sightline.ingest.otlp;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.sightline.storage.SpanAppender;
import io.sightline.storage.TraceStore;
import io.sightline.storage.model.Span;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.ObjLongConsumer;

/** Translates one traces request and commits it as one batch. Thread-safe; each call takes its own appender. */
public final class TracesWriter {
    /**
     * Commits a translated batch. Span metrics plug in here: they must see exactly the spans of every commit that
     * succeeded, in step with the commit (see {@code io.sightline.ingest.spanmetrics}).
     */
    public interface Committer {
        /**
         * Commits {@code appender}, which holds {@code spans}; returns the commit sequence.
         *
         * @throws io.sightline.storage.StorageException when the commit failed; nothing of it is then stored
         */
        long commit(SpanAppender appender, List<Span> spans);

        /** Just the store's commit. */
        Committer PLAIN = (appender, spans) -> appender.commit();
    }

    private final TraceStore store;
    private final TracesTranslator translator;
    private final Committer committer;
    private final LongConsumer accepted;
    private final ObjLongConsumer<String> rejected;

    /**
     * @param accepted receives the number of spans stored per request (self-metrics)
     * @param rejected receives, per request, the number of spans rejected for each reason
     */
    public TracesWriter(TraceStore store, TracesTranslator translator, Committer committer, LongConsumer accepted,
                        ObjLongConsumer<String> rejected) {
        this.store = store;
        this.translator = translator;
        this.committer = committer;
        this.accepted = accepted;
        this.rejected = rejected;
    }

    /**
     * Translates and commits {@code request} (protobuf bodies go through {@link TracesDecoder} instead).
     *
     * @throws io.sightline.storage.StorageException when the commit failed; nothing of the request is stored
     */
    public TracesTranslator.Result write(ExportTraceServiceRequest request) {
        return write(translate(request));
    }

    /** The storable spans of a parsed {@code request} (the OTLP/JSON path), not yet committed. */
    public SpanBatch translate(ExportTraceServiceRequest request) {
        List<Span> spans = new ArrayList<>();
        TracesTranslator.Result result = translator.translate(request, spans::add);
        return new SpanBatch(spans, result);
    }

    /**
     * Commits the spans of {@code batch} as one batch and counts the request.
     *
     * @throws io.sightline.storage.StorageException when the commit failed; nothing of the request is stored
     */
    public TracesTranslator.Result write(SpanBatch batch) {
        List<Span> spans = batch.spans();
        if (!spans.isEmpty()) {
            SpanAppender appender = store.appender();
            boolean committed = false;
            try {
                for (Span s : spans) {
                    appender.append(s);
                }
                committer.commit(appender, spans);
                committed = true;
            } finally {
                if (!committed) {
                    appender.rollback();
                }
            }
        }
        TracesTranslator.Result result = batch.result();
        accepted.accept(result.accepted());
        result.rejectedByReason().forEach(rejected::accept);
        return result;
    }
}
