package io.sightline.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.sightline.ingest.http.MetricsEndpoint;
import io.sightline.ingest.limit.BoundedGzip;
import io.sightline.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OTLP/HTTP for one signal without Netty: content type and encoding, bounded gzip, protobuf or OTLP/JSON
 * decoding, the write, and the answer in the request's encoding (an {@code Export*ServiceResponse}
 * with partial success, or a {@code google.rpc.Status} for errors), as the OTLP specification says.
 * Subclasses say how to parse and write their request type: the request message itself, or (traces) a decoded
 * form made from the protobuf bytes and, for JSON, from the parsed message by {@link #jsonRequest}. Thread-safe.
 *
 * @param <R> what {@link #write} takes
 */
abstract class OtlpHttpEndpoint<R> implements MetricsEndpoint {
    static final String PROTOBUF = "application/x-protobuf";
    static final String JSON = "application/json";
    private static final Logger log = LoggerFactory.getLogger(OtlpHttpEndpoint.class);
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;

    private final JsonFormat.Parser jsonParser = JsonFormat.parser().ignoringUnknownFields();
    private final JsonFormat.Printer jsonPrinter = JsonFormat.printer().omittingInsignificantWhitespace();
    final IngestMetrics metrics;
    private final String protocol;
    private final int maxRequestBytes;
    private final int retryAfterSeconds;
    private final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    OtlpHttpEndpoint(IngestMetrics metrics, String protocol, int maxRequestBytes, int retryAfterSeconds) {
        this.metrics = metrics;
        this.protocol = protocol;
        this.maxRequestBytes = maxRequestBytes;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public OtlpHttpReply handle(String contentType, String contentEncoding, byte[] body) {
        long start = System.nanoTime();
        OtlpHttpReply reply = decodeAndWrite(contentType, contentEncoding, body);
        metrics.request(protocol, Integer.toString(reply.status()), start);
        return reply;
    }

    @Override
    public OtlpHttpReply overloaded(String contentType) {
        return error(isJson(contentType), 429, Code.RESOURCE_EXHAUSTED,
                "too many concurrent export requests (ingest.max_concurrent_requests); retry after "
                        + retryAfterSeconds + "s", true);
    }

    @Override
    public OtlpHttpReply tooLarge(String contentType) {
        return error(isJson(contentType), 413, Code.RESOURCE_EXHAUSTED,
                "request body exceeds " + maxRequestBytes + " bytes (ingest.max_request_bytes)", false);
    }

    @Override
    public void count(int status, long startNanos) {
        metrics.request(protocol, Integer.toString(status), startNanos);
    }

    private OtlpHttpReply decodeAndWrite(String contentType, String contentEncoding, byte[] body) {
        String media = mediaType(contentType);
        boolean json;
        if (media.equals(PROTOBUF) || media.equals("application/protobuf")) {
            json = false;
        } else if (media.equals(JSON)) {
            json = true;
        } else {
            return error(true, 415, Code.INVALID_ARGUMENT, "unsupported Content-Type \"" + contentType
                    + "\"; use application/x-protobuf or application/json", false);
        }
        String encoding = contentEncoding == null ? "" : contentEncoding.strip().toLowerCase(Locale.ROOT);
        byte[] raw;
        if (body.length > maxRequestBytes) {
            return tooLarge(contentType);
        }
        if (encoding.isEmpty() || encoding.equals("identity")) {
            raw = body;
        } else if (encoding.equals("gzip")) {
            try {
                raw = BoundedGzip.decompress(body, maxRequestBytes);
            } catch (BoundedGzip.TooLargeException e) {
                return error(json, 413, Code.RESOURCE_EXHAUSTED, e.getMessage(), false);
            } catch (IOException e) {
                return error(json, 400, Code.INVALID_ARGUMENT, "body is not valid gzip: " + e.getMessage(), false);
            }
        } else {
            return error(json, 415, Code.INVALID_ARGUMENT, "unsupported Content-Encoding \"" + contentEncoding
                    + "\"; use gzip or none", false);
        }
        R request;
        try {
            request = json ? parseJson(raw) : parseProtobuf(raw);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return error(json, 400, Code.INVALID_ARGUMENT, "cannot decode " + (json ? "OTLP/JSON" : "OTLP protobuf")
                    + " " + requestName() + ": " + e.getMessage(), false);
        }
        Message response;
        try {
            response = write(request);
        } catch (StorageException e) {
            warnThrottled(e);
            return error(json, 503, Code.UNAVAILABLE, "storage could not commit the request: " + e.getMessage(), true);
        }
        return reply(json, 200, response, Map.of());
    }

    /** The protobuf message name, for error messages. */
    abstract String requestName();

    abstract R parseProtobuf(byte[] raw) throws InvalidProtocolBufferException;

    /** An empty builder of the request type, for the JSON parser. */
    abstract Message.Builder newBuilder();

    /** Post-processing of a request parsed from OTLP/JSON (e.g. hex ids); identity by default. */
    R fromJson(R parsed) {
        return parsed;
    }

    /**
     * Translates, commits and counts {@code request}; returns the export response (with partial success).
     *
     * @throws StorageException when the commit failed; nothing of the request is then stored
     */
    abstract Message write(R request);

    private R parseJson(byte[] raw) throws InvalidProtocolBufferException {
        Message.Builder b = newBuilder();
        jsonParser.merge(new String(raw, StandardCharsets.UTF_8), b);
        return jsonRequest(b.build());
    }

    /** What {@link #write} takes from a request parsed from OTLP/JSON: {@link #fromJson} of the message by default. */
    @SuppressWarnings("unchecked")
    R jsonRequest(Message parsed) {
        return fromJson((R) parsed);
    }

    private OtlpHttpReply error(boolean json, int status, Code code, String message, boolean retryable) {
        Status body = Status.newBuilder().setCode(code.getNumber()).setMessage(message).build();
        Map<String, String> headers = retryable ? Map.of("Retry-After", Integer.toString(retryAfterSeconds)) : Map.of();
        return reply(json, status, body, headers);
    }

    private OtlpHttpReply reply(boolean json, int status, Message body, Map<String, String> headers) {
        if (!json) {
            return new OtlpHttpReply(status, PROTOBUF, headers, body.toByteArray());
        }
        try {
            return new OtlpHttpReply(status, JSON, headers, jsonPrinter.print(body).getBytes(StandardCharsets.UTF_8));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("BUG: cannot print " + body.getDescriptorForType().getFullName() + " as JSON", e);
        }
    }

    private void warnThrottled(StorageException e) {
        long now = System.nanoTime();
        long last = lastWarnNanos.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarnNanos.compareAndSet(last, now)) {
            // WARN: data was refused (clients retry); repeated failures are logged at most every 10s.
            log.warn("storage commit failed, answering 503 [protocol={}]", protocol, e);
        }
    }

    static boolean isJson(String contentType) {
        return mediaType(contentType).equals(JSON);
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }
}
