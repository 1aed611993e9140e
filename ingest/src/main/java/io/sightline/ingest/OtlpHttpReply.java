package io.sightline.ingest;

import java.util.Map;

/**
 * An OTLP/HTTP response, free of Netty types, for the server module to write on the API port (it maps
 * 1:1 onto {@code io.sightline.query.HttpResult}).
 *
 * @param status      HTTP status: 200 (possibly with partial success in the body), 400, 413, 415, 429, 503
 * @param contentType {@code application/x-protobuf} or {@code application/json}, matching the request
 * @param headers     extra headers, e.g. {@code Retry-After} on 429 and 503
 * @param body        an {@code ExportMetricsServiceResponse} on 200, a {@code google.rpc.Status} otherwise
 */
public record OtlpHttpReply(int status, String contentType, Map<String, String> headers, byte[] body) {
}
