package io.sightline.ingest.remote;

import io.sightline.ingest.IngestConfig;
import io.sightline.ingest.IngestMetrics;
import io.sightline.ingest.OtlpHttpReply;
import io.sightline.ingest.RequestBody;
import io.sightline.ingest.limit.BoundedGzip;
import io.sightline.ingest.limit.BoundedSnappy;
import io.sightline.storage.Appendable;
import io.sightline.storage.Appender;
import io.sightline.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prometheus remote write 1.0 ({@code POST /api/v1/write}) without Netty: content type and encoding, bounded
 * snappy (block format), decoding straight into one storage {@link Appender} per request, commit, answer.
 *
 * <p>Answers, as Prometheus's receiver and the remote-write 1.0 specification have them: 204 when every
 * sample was stored; 400 with a text message for a body that does not decompress or decode (nothing stored)
 * and for rejected samples (out of order, duplicate, too old, invalid labels, too many or too long labels,
 * native histograms): the valid samples of that request are stored and the message names the first problem
 * and how many there were. Senders do not retry a 400. (Prometheus's own 1.0 path rolls the whole request back
 * on the first out-of-order sample; its 2.0 path and the specification allow keeping the valid ones, which is
 * what OTLP partial success does here too, so a single late sample never costs a batch.) 413 past
 * {@code ingest.max_request_bytes} (compressed or decompressed), 415 for another content type or encoding,
 * 429 with Retry-After when {@code ingest.max_concurrent_requests} is reached (see {@code IngestService}),
 * 503 with Retry-After when storage cannot commit (nothing stored; senders retry).
 *
 * <p>Thread-safe: each request in flight has a decoder and buffers of its own, reused by later requests; the
 * label cache is shared.
 */
public final class RemoteWriteEndpoint {
    static final String PROTOBUF = "application/x-protobuf";
    static final String PROTOCOL = "remote_write";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String V1_MESSAGE = "prometheus.WriteRequest";
    private static final int KEEP_BUFFER_BYTES = 4 << 20;
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;
    private static final Logger log = LoggerFactory.getLogger(RemoteWriteEndpoint.class);
    /** Every request that stores all its samples gets this one (immutable: its body is empty). */
    private static final OtlpHttpReply NO_CONTENT = new OtlpHttpReply(204, TEXT, Map.of(), new byte[0]);

    private final Appendable storage;
    private final IngestMetrics metrics;
    private final InstantSource clock;
    private final int maxRequestBytes;
    private final int retryAfterSeconds;
    private final IngestConfig config;
    /**
     * Decoders with their buffers not in use, most recently used first. A request takes one and gives it back, so
     * there are only as many as requests ever ran at once (at most {@code ingest.max_concurrent_requests}), not
     * one per API worker thread that ever decoded a request (each holds ~0.5 MiB at 2,000 samples per request).
     */
    private final ArrayDeque<Scratch> idle = new ArrayDeque<>();
    private final int maxIdle;
    private final int labelCacheCapacity;
    private final Object labelCacheLock = new Object();
    /**
     * The label cache grows to this when the series sent do not fit (64 MiB of slots, room for 6M series at the
     * ~2.6 slots per series it grows to keep; entries ~40 B each come on top, as the series do).
     */
    private static final int MAX_LABEL_CACHE_SLOTS = 1 << 24;
    private volatile LabelCache labelCache; // see labelCache()
    private final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    public RemoteWriteEndpoint(Appendable storage, IngestConfig config, IngestMetrics metrics, InstantSource clock) {
        this.storage = storage;
        this.metrics = metrics;
        this.clock = clock;
        this.maxRequestBytes = config.maxRequestBytes();
        this.retryAfterSeconds = config.retryAfterSeconds();
        // Sized beyond ingest.series_cache_entries (a per-thread figure for OTLP): this one cache serves every thread.
        // 2 slots per entry (0.5 MiB at the default) to start with: it doubles while a quarter of its lookups miss
        // (more series than fit), to 262k slots for 100k series, where ~1.7 % of them (Poisson) overflow its four-way sets.
        // (Two-way sets started at 8 per entry, 2 MiB: at 4, 100k series overflowed 4 % of the sets, and their
        // series evicted each other every round, paying label decoding and a storage lookup by labels.)
        this.labelCacheCapacity = (int) Math.min(1 << 24, 2L * config.seriesCacheEntries());
        this.config = config;
        this.maxIdle = config.maxConcurrentRequests();
    }

    /**
     * The shared label cache, made by the first remote-write request: a server that is never sent remote write
     * (OTLP only, or idle) does not hold its table (0.5 MiB at the default size).
     */
    private LabelCache labelCache() {
        LabelCache c = labelCache;
        if (c == null) {
            synchronized (labelCacheLock) {
                c = labelCache;
                if (c == null) {
                    c = new LabelCache(labelCacheCapacity, MAX_LABEL_CACHE_SLOTS);
                    labelCache = c;
                }
            }
        }
        return c;
    }

    /**
     * Handles one request on the caller's thread; blocks until the samples are committed to the WAL.
     *
     * @param contentType     the Content-Type header or null (null is taken as remote write 1.0, as Prometheus does)
     * @param contentEncoding the Content-Encoding header: {@code snappy}, or null (taken as snappy)
     * @param body            the raw body; not retained
     */
    public OtlpHttpReply handle(String contentType, String contentEncoding, byte[] body) {
        long start = System.nanoTime();
        byte[] b = body == null ? new byte[0] : body;
        OtlpHttpReply reply = decodeAndWrite(contentType, contentEncoding, b.length, b, null);
        metrics.request(PROTOCOL, statusText(reply.status()), start);
        return reply;
    }

    /**
     * As {@link #handle(String, String, byte[])} for a body of {@code length} bytes that {@code body} copies into
     * a reused buffer once the size is checked: no array per request.
     */
    public OtlpHttpReply handle(String contentType, String contentEncoding, int length, RequestBody body) {
        long start = System.nanoTime();
        OtlpHttpReply reply = decodeAndWrite(contentType, contentEncoding, length, null, body);
        metrics.request(PROTOCOL, statusText(reply.status()), start);
        return reply;
    }

    private static String statusText(int status) {
        return status == 204 ? "204" : Integer.toString(status);
    }

    /** The answer when the concurrency limit is reached; counts the request. */
    public OtlpHttpReply overloaded(long startNanos) {
        metrics.request(PROTOCOL, "429", startNanos);
        return text(429, "too many concurrent write requests (ingest.max_concurrent_requests); retry after "
                + retryAfterSeconds + "s", true);
    }

    /** The body is {@code array[0, length)}, or when {@code array} is null what {@code source} copies. */
    private OtlpHttpReply decodeAndWrite(String contentType, String contentEncoding, int length, byte[] array,
                                         RequestBody source) {
        String typeProblem = contentTypeProblem(contentType);
        if (typeProblem != null) {
            return text(415, typeProblem, false);
        }
        String encoding = contentEncoding == null ? "" : contentEncoding.strip().toLowerCase(Locale.ROOT);
        if (!encoding.isEmpty() && !encoding.equals("snappy")) {
            return text(415, "unsupported Content-Encoding \"" + contentEncoding + "\"; remote write bodies are snappy",
                    false);
        }
        if (length > maxRequestBytes) {
            return text(413, "request body of " + length + " bytes exceeds " + maxRequestBytes
                    + " bytes (ingest.max_request_bytes)", false);
        }
        Scratch local = take();
        try {
            byte[] body = array;
            if (body == null) {
                body = local.compressed(length);
                source.copyTo(body, 0);
            }
            int rawLength;
            byte[] raw;
            try {
                rawLength = BoundedSnappy.uncompressedLength(body, length, maxRequestBytes);
                raw = local.buffer(rawLength);
                BoundedSnappy.decompress(body, length, raw);
            } catch (BoundedGzip.TooLargeException e) {
                return text(413, e.getMessage(), false);
            } catch (IOException | RuntimeException e) {
                return text(400, "body is not snappy block-compressed: " + e.getMessage(), false);
            }
            return write(local, raw, rawLength);
        } finally {
            local.release();
            giveBack(local);
        }
    }

    private Scratch take() {
        synchronized (idle) {
            Scratch s = idle.pollFirst();
            if (s != null) {
                return s;
            }
        }
        return new Scratch(new WriteRequestDecoder(config, labelCache()));
    }

    private void giveBack(Scratch s) {
        synchronized (idle) {
            if (idle.size() < maxIdle) {
                idle.addFirst(s);
            }
        }
    }

    private OtlpHttpReply write(Scratch local, byte[] raw, int length) {
        Appender appender = storage.appender();
        boolean committed = false;
        try {
            WriteTally tally;
            try {
                tally = local.decoder.decode(raw, length, appender, clock.millis());
            } catch (IOException | RuntimeException e) {
                if (e instanceof StorageException se) {
                    throw se;
                }
                return text(400, "cannot decode protobuf WriteRequest: " + e.getMessage(), false);
            }
            appender.commit();
            committed = true;
            metrics.record(tally.accepted, tally.rejected, tally.exemplarsDropped);
            String problem = tally.message();
            return problem.isEmpty() ? NO_CONTENT : text(400, problem, false);
        } catch (StorageException e) {
            warnThrottled(e);
            return text(503, "storage could not commit the request: " + e.getMessage(), true);
        } finally {
            if (!committed) {
                appender.rollback();
            }
        }
    }

    /** Null when the type is remote write 1.0 (or absent); otherwise why not. */
    private static String contentTypeProblem(String contentType) {
        if (contentType == null || contentType.isBlank() || contentType.equals(PROTOBUF)) {
            return null; // the exact type every sender sends: no splitting per request
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().toLowerCase(Locale.ROOT).equals(PROTOBUF)) {
            return "unsupported Content-Type \"" + contentType + "\"; remote write needs " + PROTOBUF;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.startsWith("proto=") && !p.substring(6).strip().equals(V1_MESSAGE)) {
                return "unsupported remote-write message \"" + p.substring(6) + "\"; this server accepts "
                        + V1_MESSAGE + " (remote write 1.0)";
            }
        }
        return null;
    }

    private OtlpHttpReply text(int status, String message, boolean retryable) {
        Map<String, String> headers = retryable ? Map.of("Retry-After", Integer.toString(retryAfterSeconds)) : Map.of();
        return new OtlpHttpReply(status, TEXT, headers, (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void warnThrottled(StorageException e) {
        long now = System.nanoTime();
        long last = lastWarnNanos.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarnNanos.compareAndSet(last, now)) {
            // WARN: data was refused (senders retry); repeated failures are logged at most every 10s.
            log.warn("storage commit failed, answering 503 [protocol={}]", PROTOCOL, e);
        }
    }

    /**
     * A decoder and its buffers for the compressed and the decompressed body, each kept up to 4 MiB (typical
     * requests reuse them; a larger one gets an array of its own, dropped after the request). One request at a time.
     */
    private static final class Scratch {
        final WriteRequestDecoder decoder;
        private final Buffer compressed = new Buffer(16 << 10);
        private final Buffer decompressed = new Buffer(64 << 10);

        Scratch(WriteRequestDecoder decoder) {
            this.decoder = decoder;
        }

        byte[] compressed(int length) {
            return compressed.get(length);
        }

        byte[] buffer(int length) {
            return decompressed.get(length);
        }

        void release() {
            compressed.oversize = null;
            decompressed.oversize = null;
        }
    }

    private static final class Buffer {
        private byte[] kept;
        private byte[] oversize;

        Buffer(int initialBytes) {
            kept = new byte[initialBytes];
        }

        byte[] get(int length) {
            if (length <= kept.length) {
                return kept;
            }
            if (length <= KEEP_BUFFER_BYTES) {
                kept = new byte[Math.min(KEEP_BUFFER_BYTES, Math.max(length, kept.length * 2))];
                return kept;
            }
            oversize = new byte[length];
            return oversize;
        }
    }
}
