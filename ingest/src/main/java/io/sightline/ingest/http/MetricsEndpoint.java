package io.sightline.ingest.http;

import io.sightline.ingest.OtlpHttpReply;

/**
 * The Netty-free OTLP/HTTP metrics logic the server handler delegates to. Thread-safe.
 */
public interface MetricsEndpoint {
    /**
     * Decodes, translates and writes one request body; blocks for the storage commit, so never call it on
     * an event loop.
     *
     * @param contentType     the Content-Type header or null
     * @param contentEncoding the Content-Encoding header or null
     * @param body            the raw (possibly gzip-compressed) body; not retained
     */
    OtlpHttpReply handle(String contentType, String contentEncoding, byte[] body);

    /** The 429 answer when the write path is full, encoded like the request. */
    OtlpHttpReply overloaded(String contentType);

    /** The 413 answer for a body over the limit, encoded like the request. */
    OtlpHttpReply tooLarge(String contentType);

    /** Counts one request answered by the server without reaching {@link #handle} (404, 405, 413, 429). */
    void count(int status, long startNanos);
}
