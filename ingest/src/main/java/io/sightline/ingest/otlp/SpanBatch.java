package io.sightline.ingest.otlp;

import io.sightline.storage.model.Span;

import java.util.List;

/**
 * The storable spans of one OTLP traces request, in request order, and how the request went (what was rejected and
 * why). Made by {@link TracesDecoder} from protobuf bytes or by {@link TracesTranslator} from a parsed request;
 * committed by {@link TracesWriter}.
 */
public record SpanBatch(List<Span> spans, TracesTranslator.Result result) {
}
