package io.sightline.ingest;

import java.util.Map;

/**
 * An HTTP response of an ingest endpoint (OTLP/HTTP, and remote write with a text body), free of Netty types, for the server module to write on the API port (it maps
 * 1:1 onto {@code io.sightline.query.HttpResult}).
 *
 * @param status      HTTP status: 200 (possibly with partial success in the body; 204 for remote write), 400, 413, 415, 429, 503
 * @param contentType {@code application/x-protobuf} or {@code application/json}, matching the request
 * @param headers     extra headers, e.g. {@code Retry-After} on 429 and 503
 * @param body        OTLP: an {@code ExportMetricsServiceResponse} on 200, a {@code google.rpc.Status} otherwise;
 *                    remote write: empty on 204, a text message otherwise
 */
public record OtlpHttpReply(int status, String contentType, Map<String, String> headers, byte[] body) {
}
